import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { describeStores } from "../../test/support/db";
import { INSTANCE_KEY, WA } from "../../test/support/gateway";
import { newId } from "../runtime";
import { schema, transaction, type Tx } from "../runtime/db";
import { createBrand, createChannel, createTenant } from "../tenancy";
import { brandActivity, gapQuestions } from "./report";

const T0 = new Date("2026-11-10T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** A conversation of `brand` with one customer message at `sentAt`; returns its ids. */
const conversation = async (
  tx: Tx,
  ids: { tenant: string; brand: string; channel: string },
  text: string,
  sentAt: Date,
) => {
  const contact = newId("con");
  await tx.insert(schema.contacts).values({
    id: contact,
    tenant_id: ids.tenant,
    channel_id: ids.channel,
    external_id: crypto.randomUUID(),
    display_name: "C",
  });
  const conv = newId("cnv");
  await tx
    .insert(schema.conversations)
    .values({ id: conv, tenant_id: ids.tenant, brand_id: ids.brand, channel_id: ids.channel, contact_id: contact });
  const inbound = newId("msg");
  await tx.insert(schema.messages).values({
    id: inbound,
    tenant_id: ids.tenant,
    conversation_id: conv,
    channel_id: ids.channel,
    direction: "in",
    body: text,
    status: "received",
    awaits_turn: true,
    provider_message_id: crypto.randomUUID(),
    created_at: sentAt,
  });
  return { conv, inbound };
};

const answer = async (
  tx: Tx,
  ids: { tenant: string; channel: string },
  c: { conv: string; inbound: string },
  sentAt: Date,
  extra: { status?: "sent" | "failed"; error_code?: string; tokens?: { prompt: number; completion: number } } = {},
) => {
  const out = newId("msg");
  await tx.insert(schema.messages).values({
    id: out,
    tenant_id: ids.tenant,
    conversation_id: c.conv,
    channel_id: ids.channel,
    direction: "out",
    body: "an answer",
    status: extra.status ?? "sent",
    error_code: extra.error_code ?? null,
    metadata: {
      author: "ai",
      part: 1,
      parts: 1,
      answer: { mode: extra.tokens ? "llm" : "knowledge", tokens: extra.tokens ?? { prompt: 0, completion: 0 } },
    },
    created_at: sentAt,
  });
  await tx.update(schema.messages).set({ answered_by: out }).where(eqId(c.inbound));
};

const eqId = (id: string) => eq(schema.messages.id, id);

const escalate = async (
  tx: Tx,
  tenant: string,
  c: { conv: string; inbound: string },
  reason: string,
  openedAt: Date,
  then: { claimedAt?: Date; resolvedAt?: Date } = {},
) => {
  const id = newId("esc");
  await tx.insert(schema.escalations).values({
    id,
    tenant_id: tenant,
    conversation_id: c.conv,
    reason,
    state: then.resolvedAt ? "resolved" : "open",
    created_at: openedAt,
    updated_at: then.resolvedAt ?? openedAt,
  });
  await tx.update(schema.messages).set({ answered_by: id }).where(eqId(c.inbound));
  if (then.claimedAt)
    await tx.insert(schema.auditLog).values({
      tenant_id: tenant,
      actor: "token:x",
      action: "escalation.claim",
      subject_type: "escalation",
      subject_id: id,
      created_at: then.claimedAt,
    });
  return id;
};

describeStores("brand report", (getDb) => {
  const seed = () =>
    transaction(getDb().db, async ({ tx }) => {
      const tenant = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, tenant.id, "Report Shop", "test");
      const other = await createBrand(tx, tenant.id, "Other Shop", "test");
      const channel = await createChannel(
        tx,
        INSTANCE_KEY,
        {
          tenant_id: tenant.id,
          brand_id: brand.id,
          provider: "whatsapp",
          credentials: { ...WA, phone_number_id: String(Math.random()).slice(2) },
        },
        "test",
      );
      const otherChannel = await createChannel(
        tx,
        INSTANCE_KEY,
        {
          tenant_id: tenant.id,
          brand_id: other.id,
          provider: "whatsapp",
          credentials: { ...WA, phone_number_id: String(Math.random()).slice(2) },
        },
        "test",
      );
      const ids = { tenant: tenant.id, brand: brand.id, channel: channel.id };
      // Answered by the LLM in 2 s: resolved by the assistant alone.
      const c1 = await conversation(tx, ids, "Do you ship to Austria?", at(0));
      await answer(tx, ids, c1, at(2), { tokens: { prompt: 100, completion: 20 } });
      // Answered from knowledge in 4 s, but the provider refused the send.
      const c2 = await conversation(tx, ids, "What are your opening hours?", at(10));
      await answer(tx, ids, c2, at(14), { status: "failed", error_code: "131047" });
      // Handed over for low confidence; claimed after a minute, resolved after five.
      const c3 = await conversation(tx, ids, "Do you sell gift cards for the Vienna store?", at(20));
      await escalate(tx, tenant.id, c3, "low_confidence", at(21), { claimedAt: at(81), resolvedAt: at(321) });
      // A customer asking for a person: a hand-over, not a knowledge gap.
      const c4 = await conversation(tx, ids, "I want to talk to a human", at(30));
      await escalate(tx, tenant.id, c4, "human_requested", at(31));
      // Before the period, and another brand's: neither counts.
      const old = await conversation(tx, ids, "Do you sell gift cards?", new Date(T0.getTime() - 86_400_000));
      await escalate(tx, tenant.id, old, "low_confidence", new Date(T0.getTime() - 86_400_000));
      const foreign = await conversation(
        tx,
        { ...ids, brand: other.id, channel: otherChannel.id },
        "Do you sell gift cards?",
        at(5),
      );
      await escalate(tx, tenant.id, foreign, "low_confidence", at(6));
      return { tenant: tenant.id, brand: brand.id };
    });

  test("counts one brand's period: resolved alone, hand-overs by reason, reply/claim/resolution times, failures, tokens", async () => {
    const s = await seed();
    const scope = { tenant_id: s.tenant, brand_id: s.brand, since: T0, until: at(3600) };
    const r = await brandActivity(getDb().sql, scope);
    expect(r).toEqual({
      conversations: 4,
      messages_in: 4,
      messages_out: 2,
      resolved_by_assistant: 2,
      handed_over: 2,
      handovers_by_reason: { low_confidence: 1, human_requested: 1 },
      reply_time: { count: 2, p50_seconds: 3, p90_seconds: expect.closeTo(3.8, 5) },
      claim_time: { count: 1, p50_seconds: 60, p90_seconds: 60 },
      resolution_time: { count: 1, p50_seconds: 300, p90_seconds: 300 },
      delivery_failures_by_error: { "131047": 1 },
      llm_tokens: { prompt: 100, completion: 20, answers: 1 },
    });
    // An empty period measures nothing (null times, not zeros).
    const empty = await brandActivity(getDb().sql, { ...scope, since: at(7200), until: at(9000) });
    expect(empty).toMatchObject({
      conversations: 0,
      resolved_by_assistant: 0,
      reply_time: { count: 0, p50_seconds: null },
      handovers_by_reason: {},
    });
  });

  test("knowledge gaps: only the period's low-confidence, unsupported and no-answer escalations of this brand, newest first", async () => {
    const s = await seed();
    const rows = await gapQuestions(
      getDb().sql,
      { tenant_id: s.tenant, brand_id: s.brand, since: T0, until: at(3600) },
      10,
    );
    expect(rows.map((r) => [r.reason, r.text])).toEqual([
      ["low_confidence", "Do you sell gift cards for the Vienna store?"],
    ]);
    const all = await gapQuestions(
      getDb().sql,
      { tenant_id: s.tenant, brand_id: s.brand, since: new Date(T0.getTime() - 2 * 86_400_000), until: at(3600) },
      10,
    );
    expect(all.map((r) => r.text)).toEqual(["Do you sell gift cards for the Vienna store?", "Do you sell gift cards?"]);
  });
});
