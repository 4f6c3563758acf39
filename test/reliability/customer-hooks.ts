// The signed webhooks of the reliability suites, as Meta and Telegram post them: a customer's text
// message on WhatsApp, Telegram or Instagram (built from the shared fixtures) and WhatsApp's `sent`
// status. A hook's URL is a string (one instance) or a function the courier calls at every attempt
// (a load balancer picking the next instance).
import { metaSignatureHeader } from "../../src/channels";
import { fixtureJson } from "../support/fixtures";
import { IG, TG, WA } from "../support/gateway";
import type { Webhook } from "./courier";

/** An instance's webhook URL for one of its channels. */
export const webhookUrl = (
  xin: { url: string; channels: Record<string, string> },
  provider: "whatsapp" | "telegram" | "instagram",
) => `${xin.url}/webhooks/${provider}/${xin.channels[provider]}`;

const metaHook = (url: Webhook["url"], secret: string, payload: unknown): Webhook => {
  const body = JSON.stringify(payload);
  return {
    url,
    headers: { "content-type": "application/json", "x-hub-signature-256": metaSignatureHeader(secret, body) },
    body,
  };
};

export const whatsappHook = (url: Webhook["url"], payload: unknown) => metaHook(url, WA.app_secret, payload);

export const instagramHook = (url: Webhook["url"], payload: unknown) => metaHook(url, IG.app_secret, payload);

export const telegramHook = (url: Webhook["url"], payload: unknown): Webhook => ({
  url,
  headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG.secret_token },
  body: JSON.stringify(payload),
});

export const whatsappText = (from: string, id: string, text: string) => {
  const raw = fixtureJson<{
    entry: { changes: { value: { contacts: { wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[];
  }>("whatsapp", "inbound/text.json");
  const value = raw.entry[0].changes[0].value;
  value.contacts[0].wa_id = from;
  value.messages[0] = {
    ...value.messages[0],
    from,
    id,
    text: { body: text },
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  return raw;
};

/** What Meta posts for an accepted send: a `sent` status echoing the send's biz_opaque_callback_data. */
export const whatsappSent = (to: string, wamid: string, callbackData: unknown) => {
  const value = {
    messaging_product: "whatsapp",
    metadata: { display_phone_number: "15550199999", phone_number_id: WA.phone_number_id },
    statuses: [
      {
        id: wamid,
        status: "sent",
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: to,
        ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}),
      },
    ],
  };
  return {
    object: "whatsapp_business_account",
    entry: [{ id: "2200000000000007", changes: [{ field: "messages", value }] }],
  };
};

/** `updateId` must grow over a run, as Telegram's do; the message id follows it. */
export const telegramText = (chatId: number, updateId: number, text: string) => {
  const raw = fixtureJson<{ message: Record<string, unknown> & { from: { id: number }; chat: { id: number } } }>(
    "telegram",
    "inbound/private_text.json",
  );
  return {
    update_id: updateId,
    message: {
      ...raw.message,
      message_id: 1000 + (updateId % 1_000_000),
      from: { ...raw.message.from, id: chatId },
      chat: { ...raw.message.chat, id: chatId },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  };
};

export const instagramText = (sender: string, mid: string, text: string) => {
  const raw = fixtureJson<{ entry: { id: string; time: number; messaging: Record<string, unknown>[] }[] }>(
    "instagram",
    "inbound/text.json",
  );
  const now = Date.now();
  raw.entry[0] = {
    ...raw.entry[0],
    id: IG.ig_user_id,
    time: now,
    messaging: [{ sender: { id: sender }, recipient: { id: IG.ig_user_id }, timestamp: now, message: { mid, text } }],
  };
  return raw;
};
