// Signed customer webhooks for the reliability suites: one text message from a WhatsApp or Telegram
// customer, shaped like the shared fixtures and signed as Meta and Telegram sign them.
import { metaSignatureHeader } from "../../src/channels";
import { fixtureJson } from "../support/fixtures";
import { TG, WA } from "../support/gateway";
import type { Webhook } from "./courier";
import type { XinUnderTest } from "./instance";

export const whatsappHook = (xin: XinUnderTest, payload: unknown): Webhook => {
  const body = JSON.stringify(payload);
  return { url: `${xin.url}/webhooks/whatsapp/${xin.channels.whatsapp}`, headers: { "content-type": "application/json", "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body) }, body };
};

export const telegramHook = (xin: XinUnderTest, payload: unknown): Webhook => ({
  url: `${xin.url}/webhooks/telegram/${xin.channels.telegram}`,
  headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG.secret_token },
  body: JSON.stringify(payload),
});

export const whatsappText = (from: string, id: string, text: string): unknown => {
  const raw = fixtureJson<{ entry: { changes: { value: { contacts: { wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[] }>("whatsapp", "inbound/text.json");
  const value = raw.entry[0].changes[0].value;
  value.contacts[0].wa_id = from;
  value.messages[0] = { ...value.messages[0], from, id, text: { body: text }, timestamp: String(Math.floor(Date.now() / 1000)) };
  return raw;
};

export const telegramText = (chatId: number, updateId: number, text: string): unknown => {
  const raw = fixtureJson<{ message: Record<string, unknown> & { from: { id: number }; chat: { id: number } } }>("telegram", "inbound/private_text.json");
  return { update_id: updateId, message: { ...raw.message, message_id: 1000 + (updateId % 1_000_000), from: { ...raw.message.from, id: chatId }, chat: { ...raw.message.chat, id: chatId }, date: Math.floor(Date.now() / 1000), text } };
};

/** What Meta sends for an accepted message: a signed `sent` status echoing `biz_opaque_callback_data`. */
export const whatsappSentStatus = (to: string, wamid: string, callbackData: unknown): unknown => {
  const status = { id: wamid, status: "sent", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to, ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}) };
  const value = { messaging_product: "whatsapp", metadata: { display_phone_number: "15550199999", phone_number_id: WA.phone_number_id }, statuses: [status] };
  return { object: "whatsapp_business_account", entry: [{ id: "2200000000000007", changes: [{ field: "messages", value }] }] };
};
