// Building blocks for tests that throw bad input at the gateway: signed provider requests, payload
// builders for each provider, and a count of every table a request could write to.
import { metaSignatureHeader } from "../../src/channels";
import type { TestDb } from "./db";
import { IG, TG, WA } from "./gateway";

export type Provider = "whatsapp" | "instagram" | "telegram";

/** A POST as the provider sends it, signed with the channel's secret (or forged). */
export const signedWebhook = (
  provider: Provider,
  channelId: string,
  body: string | Uint8Array,
  options: { forge?: boolean; suffix?: string } = {},
): Request => {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const secret = provider === "whatsapp" ? WA.app_secret : IG.app_secret;
  if (provider === "telegram") headers["x-telegram-bot-api-secret-token"] = options.forge ? "wrong" : TG.secret_token;
  else headers["x-hub-signature-256"] = metaSignatureHeader(options.forge ? "not-the-secret" : secret, body);
  return new Request(`http://x/webhooks/${provider}/${channelId}${options.suffix ?? ""}`, {
    method: "POST",
    headers,
    body: body as BodyInit,
  });
};

/** One WhatsApp message object in a full webhook body for the test channel's number. */
export const whatsappBody = (message: Record<string, unknown>): string =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { phone_number_id: WA.phone_number_id, display_phone_number: "15550000000" },
              contacts: [{ wa_id: "4917000000001", profile: { name: "Ana" } }],
              messages: [
                {
                  from: "4917000000001",
                  id: `wamid.${crypto.randomUUID()}`,
                  timestamp: "1764000000",
                  type: "text",
                  text: { body: "hi" },
                  ...message,
                },
              ],
            },
          },
        ],
      },
    ],
  });

export const telegramBody = (message: Record<string, unknown>): string =>
  JSON.stringify({
    update_id: Math.floor(Math.random() * 1e9),
    message: {
      message_id: Math.floor(Math.random() * 1e9),
      date: 1764000000,
      chat: { id: 42, type: "private" },
      from: { id: 42, is_bot: false, first_name: "Ana" },
      text: "hi",
      ...message,
    },
  });

export const instagramBody = (event: Record<string, unknown>): string =>
  JSON.stringify({
    object: "instagram",
    entry: [
      {
        id: IG.ig_user_id,
        time: 1764000000000,
        messaging: [
          {
            sender: { id: "99001" },
            recipient: { id: IG.ig_user_id },
            timestamp: 1764000000000,
            message: { mid: `mid.${crypto.randomUUID()}`, text: "hi" },
            ...event,
          },
        ],
      },
    ],
  });

export const WRITTEN_TABLES = [
  "messages",
  "contacts",
  "conversations",
  "jobs",
  "escalations",
  "audit_log",
  "brands",
  "channels",
  "tokens",
  "tenants",
  "automations",
  "knowledge_sources",
  "webhook_dead_letters",
] as const;

/** Row counts of every table a request could write to, plus a digest of brand settings (PATCH writes no new row). */
export const storeSnapshot = async (db: TestDb): Promise<Record<string, number | string>> => {
  const counts = await db.sql.unsafe(
    WRITTEN_TABLES.map((t) => `select '${t}' as t, count(*)::int as n from ${t}`).join(" union all "),
  );
  const brands =
    await db.sql`select coalesce(md5(string_agg(id || persona::text || policies::text || widget::text || name, ',' order by id)), '') as digest from brands`;
  return {
    ...Object.fromEntries(counts.map((r) => [r.t as string, r.n as number])),
    brand_settings: brands[0].digest as string,
  };
};
