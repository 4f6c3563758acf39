// The signed webhooks of the crash suite, as Meta and Telegram post them: a customer's text message on
// WhatsApp, Telegram and Instagram (built from the shared fixtures), and WhatsApp's `sent` status.
import { metaSignatureHeader } from "../../src/channels";
import { fixtureJson } from "../support/fixtures";
import { IG, TG, WA } from "../support/gateway";
import type { Webhook } from "./courier";

export type Hooked = { url: string; channels: { whatsapp: string; telegram: string; instagram: string } };

const metaHook = (url: string, secret: string, payload: unknown): Webhook => {
  const body = JSON.stringify(payload);
  return { url, headers: { "content-type": "application/json", "x-hub-signature-256": metaSignatureHeader(secret, body) }, body };
};

export const whatsappHook = (xin: Hooked, payload: unknown) => metaHook(`${xin.url}/webhooks/whatsapp/${xin.channels.whatsapp}`, WA.app_secret, payload);

export const instagramHook = (xin: Hooked, payload: unknown) => metaHook(`${xin.url}/webhooks/instagram/${xin.channels.instagram}`, IG.app_secret, payload);

export const telegramHook = (xin: Hooked, payload: unknown): Webhook => ({
  url: `${xin.url}/webhooks/telegram/${xin.channels.telegram}`,
  headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG.secret_token },
  body: JSON.stringify(payload),
});

export const whatsappText = (from: string, id: string, text: string) => {
  const raw = fixtureJson<{ entry: { changes: { value: { contacts: { wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[] }>("whatsapp", "inbound/text.json");
  const value = raw.entry[0].changes[0].value;
  value.contacts[0].wa_id = from;
  value.messages[0] = { ...value.messages[0], from, id, text: { body: text }, timestamp: String(Math.floor(Date.now() / 1000)) };
  return raw;
};

/** What Meta posts for an accepted send: a `sent` status echoing the send's biz_opaque_callback_data. */
export const whatsappSent = (to: string, wamid: string, callbackData: unknown) => {
  const value = {
    messaging_product: "whatsapp",
    metadata: { display_phone_number: "15550199999", phone_number_id: WA.phone_number_id },
    statuses: [{ id: wamid, status: "sent", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to, ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}) }],
  };
  return { object: "whatsapp_business_account", entry: [{ id: "2200000000000007", changes: [{ field: "messages", value }] }] };
};

export const telegramText = (chatId: number, i: number, text: string) => {
  const raw = fixtureJson<{ update_id: number; message: Record<string, unknown> & { from: { id: number }; chat: { id: number } } }>("telegram", "inbound/private_text.json");
  return { update_id: 900000000 + i, message: { ...raw.message, message_id: 1000 + i, from: { ...raw.message.from, id: chatId }, chat: { ...raw.message.chat, id: chatId }, date: Math.floor(Date.now() / 1000), text } };
};

export const instagramText = (sender: string, mid: string, text: string) => {
  const raw = fixtureJson<{ entry: { id: string; time: number; messaging: Record<string, unknown>[] }[] }>("instagram", "inbound/text.json");
  const now = Date.now();
  raw.entry[0] = { ...raw.entry[0], id: IG.ig_user_id, time: now, messaging: [{ sender: { id: sender }, recipient: { id: IG.ig_user_id }, timestamp: now, message: { mid, text } }] };
  return raw;
};
