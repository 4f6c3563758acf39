// A brand with a WhatsApp and a Telegram channel and conversations whose messages carry chosen times,
// for automation tests that inject the clock instead of waiting for it.
import { newId } from "../../src/runtime";
import { schema, transaction, type Db } from "../../src/runtime/db";
import type { ConversationStatus, DeliveryStatus } from "../../src/runtime/db/schema";
import { createBrand, createChannel, createTenant } from "../../src/tenancy";
import { INSTANCE_KEY, TG, WA } from "./gateway";

export type AutomationBrand = { tenantId: string; brandId: string; channels: { whatsapp: string; telegram: string } };

export const seedAutomationBrand = async (db: Db): Promise<AutomationBrand> =>
  transaction(db, async ({ tx }) => {
    const tenant = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
    const brand = await createBrand(tx, tenant.id, `Shop ${tenant.id.slice(-4)}`, "test");
    const unique = () => String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    const wa = await createChannel(
      tx,
      INSTANCE_KEY,
      {
        tenant_id: tenant.id,
        brand_id: brand.id,
        provider: "whatsapp",
        credentials: { ...WA, phone_number_id: unique() },
        settings: {},
      },
      "test",
    );
    const tg = await createChannel(
      tx,
      INSTANCE_KEY,
      {
        tenant_id: tenant.id,
        brand_id: brand.id,
        provider: "telegram",
        credentials: {
          ...TG,
          bot_token: `${1_000_000_000 + Math.floor(Math.random() * 8_999_999_999)}:AAFakeTokenForTestsOnly`,
        },
        settings: {},
      },
      "test",
    );
    return { tenantId: tenant.id, brandId: brand.id, channels: { whatsapp: wa.id, telegram: tg.id } };
  });

/** A message of the thread: who wrote it and when. `ai` rows are the assistant's replies. */
export type SeedMessage = {
  from: "customer" | "ai" | "human";
  at: Date;
  metadata?: Record<string, unknown>;
  status?: DeliveryStatus;
};

/** A conversation on one of the brand's channels with these messages; the customer's last one sets the window. */
export const seedThread = async (
  db: Db,
  b: AutomationBrand,
  on: "whatsapp" | "telegram",
  thread: SeedMessage[],
  status: ConversationStatus = "bot",
): Promise<string> =>
  transaction(db, async ({ tx }) => {
    const channelId = b.channels[on];
    const contactId = newId("con");
    await tx.insert(schema.contacts).values({
      id: contactId,
      tenant_id: b.tenantId,
      channel_id: channelId,
      external_id: `ext-${crypto.randomUUID()}`,
      display_name: "Ana",
    });
    const lastCustomer = thread.filter((m) => m.from === "customer").at(-1)?.at ?? null;
    const conversationId = newId("cnv");
    await tx.insert(schema.conversations).values({
      id: conversationId,
      tenant_id: b.tenantId,
      brand_id: b.brandId,
      channel_id: channelId,
      contact_id: contactId,
      status,
      last_customer_message_at: lastCustomer,
    });
    await tx.insert(schema.messages).values(
      thread.map((m) => ({
        id: newId("msg"),
        tenant_id: b.tenantId,
        conversation_id: conversationId,
        channel_id: channelId,
        direction: m.from === "customer" ? ("in" as const) : ("out" as const),
        body: m.from === "customer" ? "Do you ship to Porto?" : "Yes, in 3 days.",
        metadata: m.from === "customer" ? {} : { author: m.from, ...m.metadata },
        status: m.status ?? (m.from === "customer" ? "received" : "sent"),
        created_at: m.at,
      })),
    );
    return conversationId;
  });
