// Signed customer webhooks for the scale-out suite, addressed to whichever instance the load balancer
// picks at each attempt. The payload builders follow crash-run.ts's (copied, not shared: that file is
// being reworked in parallel); here a customer sends several messages, so each carries its own index.
import { metaSignatureHeader } from "../../src/channels";
import { fixtureJson } from "../support/fixtures";
import { TG, WA } from "../support/gateway";
import type { Webhook } from "./courier";
import type { XinUnderTest } from "./instance";

/** Round-robin over the instances, as a load balancer in front of them: every call names the next. */
export const roundRobin = (instances: XinUnderTest[]) => {
  let next = 0;
  return (path: (x: XinUnderTest) => string) => () => path(instances[next++ % instances.length]);
};
export type Balancer = ReturnType<typeof roundRobin>;

/** Mulberry32: a seeded generator, so a run's kill moments and customers can be replayed. */
export const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export const whatsappHook = (lb: Balancer, payload: unknown): Webhook => {
  const body = JSON.stringify(payload);
  return { url: lb((x) => `${x.url}/webhooks/whatsapp/${x.channels.whatsapp}`), headers: { "content-type": "application/json", "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body) }, body };
};

export const telegramHook = (lb: Balancer, payload: unknown): Webhook => ({
  url: lb((x) => `${x.url}/webhooks/telegram/${x.channels.telegram}`),
  headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG.secret_token },
  body: JSON.stringify(payload),
});

/** Customer `from`'s message number `k`, with its own wamid. */
export const whatsappText = (from: string, id: string, text: string) => {
  const raw = fixtureJson<{ entry: { changes: { value: { contacts: { wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[] }>("whatsapp", "inbound/text.json");
  const value = raw.entry[0].changes[0].value;
  value.contacts[0].wa_id = from;
  value.messages[0] = { ...value.messages[0], from, id, text: { body: text }, timestamp: String(Math.floor(Date.now() / 1000)) };
  return raw;
};

/** `seq` numbers every Telegram message of the run (update and message ids grow with it, as Telegram's do). */
export const telegramText = (chatId: number, seq: number, text: string) => {
  const raw = fixtureJson<{ message: Record<string, unknown> & { from: { id: number }; chat: { id: number } } }>("telegram", "inbound/private_text.json");
  return { update_id: 910000000 + seq, message: { ...raw.message, message_id: 5000 + seq, from: { ...raw.message.from, id: chatId }, chat: { ...raw.message.chat, id: chatId }, date: Math.floor(Date.now() / 1000), text } };
};

/** A status webhook as Meta sends it for an accepted message, echoing `biz_opaque_callback_data`. */
export const whatsappSentStatus = (wamid: string, to: string, callback: unknown) => ({
  object: "whatsapp_business_account",
  entry: [{ id: "2200000000000007", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550199999", phone_number_id: WA.phone_number_id }, statuses: [{ id: wamid, status: "sent", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to, ...(callback ? { biz_opaque_callback_data: callback } : {}) }] } }] }],
});
