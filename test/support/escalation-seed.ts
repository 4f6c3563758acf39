// Seeds what the agents' side works on: a tenant with a brand, a WhatsApp channel (pointed at a fake
// when given), a customer conversation with a few messages and an open escalation holding an AI draft.
import { newId } from "../../src/runtime";
import { schema, transaction, type Db } from "../../src/runtime/db";
import { openEscalation } from "../../src/inbox";
import { createBrand, createChannel, createTenant, issueToken } from "../../src/tenancy";
import { INSTANCE_KEY, WA } from "./gateway";

export type Seeded = {
  tenantId: string;
  brandId: string;
  channelId: string;
  contactId: string;
  conversationId: string;
  escalationId: string;
  admin: string;
  agent: string;
  agent2: string;
};

export const seedEscalation = async (
  db: Db,
  options: {
    apiBase?: string;
    phoneNumberId?: string;
    draft?: string | null;
    waId?: string;
    instanceKey?: string;
  } = {},
): Promise<Seeded> =>
  transaction(db, async ({ tx }) => {
    const key = options.instanceKey ?? INSTANCE_KEY;
    const tenant = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
    const brand = await createBrand(tx, tenant.id, `Shop ${tenant.id.slice(-4)}`, "test");
    const channel = await createChannel(
      tx,
      key,
      {
        tenant_id: tenant.id,
        brand_id: brand.id,
        provider: "whatsapp",
        credentials: {
          ...WA,
          phone_number_id: options.phoneNumberId ?? String(Date.now()) + String(Math.floor(Math.random() * 1e6)),
        },
        settings: options.apiBase ? { api_base: options.apiBase } : {},
      },
      "test",
    );
    const contactId = newId("con");
    await tx.insert(schema.contacts).values({
      id: contactId,
      tenant_id: tenant.id,
      channel_id: channel.id,
      external_id: options.waId ?? "4917000000099",
      display_name: "Ana Customer",
    });
    const conversationId = newId("cnv");
    await tx.insert(schema.conversations).values({
      id: conversationId,
      tenant_id: tenant.id,
      brand_id: brand.id,
      channel_id: channel.id,
      contact_id: contactId,
      last_customer_message_at: new Date(),
    });
    await tx.insert(schema.messages).values([
      {
        id: newId("msg"),
        tenant_id: tenant.id,
        conversation_id: conversationId,
        channel_id: channel.id,
        direction: "in",
        body: "Hi! I ordered shoes last week.",
        provider_message_id: `wamid.${crypto.randomUUID()}`,
        status: "received",
        created_at: new Date(Date.now() - 120_000),
      },
      {
        id: newId("msg"),
        tenant_id: tenant.id,
        conversation_id: conversationId,
        channel_id: channel.id,
        direction: "in",
        body: "They are too small, can I get a refund?",
        provider_message_id: `wamid.${crypto.randomUUID()}`,
        status: "received",
        created_at: new Date(Date.now() - 60_000),
      },
    ]);
    const esc = await openEscalation(tx, {
      tenant_id: tenant.id,
      conversation_id: conversationId,
      reason: "needs_authorization",
      draft:
        options.draft === undefined
          ? "Sorry about the fit! You can return unworn shoes within 30 days for a full refund."
          : options.draft,
      sources: [{ source: "returns.md", heading: "Refunds", score: 0.82 }],
      pauseBot: true,
    });
    const admin = await issueToken(tx, key, { role: "admin", tenant_id: null, name: "root" }, "test");
    const agent = await issueToken(tx, key, { role: "agent", tenant_id: tenant.id, name: "alice" }, "test");
    const agent2 = await issueToken(tx, key, { role: "agent", tenant_id: tenant.id, name: "bob" }, "test");
    return {
      tenantId: tenant.id,
      brandId: brand.id,
      channelId: channel.id,
      contactId,
      conversationId,
      escalationId: esc.id,
      admin: admin.token,
      agent: agent.token,
      agent2: agent2.token,
    };
  });
