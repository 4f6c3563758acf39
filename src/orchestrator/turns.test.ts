// What a respond run answers and how it says so: every pending customer message ends named by exactly
// one turn (`messages.answered_by`), whatever the timing; a burst is asked as its latest question; a
// backlog answers what the customer sent apart, apart; a message with no words is never left in silence.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { describeStores } from "../../test/support/db";
import { startOpenAIFake, type OpenAIFake } from "../../test/support/fakes/openai";
import { queueSettled, waitUntil, whatsappText, whatsappTextBody, whatsappTexts } from "../../test/support/answering";
import { INSTANCE_KEY } from "../../test/support/gateway";
import { startRespondRig, type RespondRig } from "../../test/support/respond-rig";
import { acceptParsed, RESPOND_JOB } from "../inbox";
import { transaction } from "../runtime/db";
import { bindChannel } from "../tenancy";

let llm: OpenAIFake;
beforeAll(() => {
  llm = startOpenAIFake();
});
afterAll(() => llm.stop());

const GROUNDED = "Shipping to Austria takes 4 to 6 working days [1].";
type Chat = { messages: { content: string }[] };
const customerMessageOf = (i: number) =>
  /<customer_message>\n([\s\S]*?)\n<\/customer_message>/.exec(
    (llm.chatRequests()[i].body as Chat).messages[1].content,
  )?.[1];

describeStores("respond turns", (getDb) => {
  let rig: RespondRig;
  beforeAll(async () => {
    rig = await startRespondRig(getDb(), llm.baseUrl);
  });
  afterAll(() => rig.stop());
  beforeEach(() => {
    llm.reset();
    llm.setReply(GROUNDED);
    rig.queries.length = 0;
  });
  const outbound = (wa: string) => rig.outbound(wa);
  const escalations = (wa: string) => rig.escalations(wa);
  const expectAllNamed = (wa: string) => rig.expectAllNamed(wa);

  test("a message stored before a reply that does not name it (created_at earlier, committed later) still gets its own turn", async () => {
    const db = getDb();
    const wa = "4915200000001";
    const { adapter, binding } = bindChannel(rig.gw.channels.whatsapp, INSTANCE_KEY);
    const ref = {
      id: rig.gw.channels.whatsapp.id,
      tenant_id: rig.gw.tenantId,
      brand_id: rig.gw.brandId,
      provider: "whatsapp",
    };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let late: Promise<unknown> | undefined;
    rig.meanwhile(async () => {
      // The second message's webhook transaction has begun (its now() is the row's created_at) and commits only
      // after the first message's reply did: the window in which a time watermark lost it.
      let begun!: () => void;
      const started = new Promise<void>((r) => (begun = r));
      late = transaction(db.db, async (tx) => {
        await tx.tx.execute(sql`select now()`);
        begun();
        await gate;
        const body = new TextEncoder().encode(
          whatsappTextBody(wa, [{ id: "wamid.race2", text: "How long does shipping to Switzerland take?" }]),
        );
        await acceptParsed(tx, rig.deps.wake, 3, ref, adapter.parse(body, binding));
      });
      await started;
    });
    await whatsappText(rig.gw, wa, "wamid.race1", "How long does shipping to Austria take?");
    await waitUntil(async () => (await outbound(wa)).length === 1);
    release();
    await late;
    await waitUntil(async () => (await outbound(wa)).length === 2);
    await queueSettled(db, RESPOND_JOB);
    const all = await rig.rows(wa);
    const first = all.find((m) => m.body === "How long does shipping to Austria take?")!;
    const lateRow = all.find((m) => m.body === "How long does shipping to Switzerland take?")!;
    const [reply1, reply2] = all.filter((m) => m.direction === "out");
    // The race happened: the late message's created_at lies before the first reply's.
    expect(new Date(lateRow.created_at).getTime()).toBeLessThan(new Date(reply1.created_at).getTime());
    expect(first.answered_by).toBe(reply1.id);
    expect(lateRow.answered_by).toBe(reply2.id);
    expect(reply2.metadata.answer.answers).toEqual([lateRow.id]);
    expect(llm.chatRequests().length).toBe(2);
    await expectAllNamed(wa);
  });

  test("a burst is asked as its latest question; the earlier messages are context, and all are named by the reply", async () => {
    const wa = "4915200000002";
    await whatsappTexts(rig.gw, wa, [
      { id: "wamid.b1", text: "Hi," },
      { id: "wamid.b2", text: "quick question:" },
      { id: "wamid.b3", text: "how long does shipping to Austria take?" },
    ]);
    await waitUntil(async () => (await outbound(wa)).length === 1);
    await queueSettled(getDb(), RESPOND_JOB);
    expect(rig.queries).toEqual(["how long does shipping to Austria take?"]);
    expect(customerMessageOf(0)).toBe("how long does shipping to Austria take?");
    expect((llm.chatRequests()[0].body as Chat).messages[1].content).toContain(
      "customer: Hi,\ncustomer: quick question:",
    );
    const inbound = await expectAllNamed(wa);
    const [reply] = await outbound(wa);
    expect(inbound.map((m) => m.answered_by)).toEqual([reply.id, reply.id, reply.id]);
  });

  test("a follow-up fragment is asked together with the question it continues", async () => {
    const wa = "4915200000003";
    await whatsappTexts(rig.gw, wa, [
      { id: "wamid.f1", text: "How long does shipping to Austria take?" },
      { id: "wamid.f2", text: "And to Switzerland?" },
    ]);
    await waitUntil(async () => (await outbound(wa)).length === 1);
    expect(rig.queries).toEqual(["How long does shipping to Austria take?\nAnd to Switzerland?"]);
    await expectAllNamed(wa);
  });

  test("the guardrails judge the whole burst: a refund request before the latest question still escalates", async () => {
    const wa = "4915200000008";
    await whatsappTexts(rig.gw, wa, [
      { id: "wamid.r1", text: "I want a refund for my sweater, it has a hole." },
      { id: "wamid.r2", text: "How long does shipping to Austria take?" },
    ]);
    await waitUntil(async () => (await escalations(wa)).length === 1);
    await queueSettled(getDb(), RESPOND_JOB);
    const [esc] = await escalations(wa);
    expect(esc.reason).toBe("authorization_required");
    expect(rig.queries).toEqual(["How long does shipping to Austria take?"]);
    expect(llm.chatRequests().length).toBe(0);
    const inbound = await expectAllNamed(wa);
    expect(inbound.map((m) => m.answered_by)).toEqual([esc.id, esc.id]);
  });

  test("a backlog changes nothing: questions sent apart are answered apart, in order, each with the earlier turn as history", async () => {
    const wa = "4915200000004";
    const t0 = Math.floor(Date.now() / 1000) - 120;
    // Both arrive at once (a backlog), sent a minute apart.
    await whatsappTexts(rig.gw, wa, [
      { id: "wamid.g1", text: "How long does shipping to Austria take?", at: t0 },
      { id: "wamid.g2", text: "Is shipping free for orders over 50 euros?", at: t0 + 60 },
    ]);
    await waitUntil(async () => (await outbound(wa)).length === 2);
    await queueSettled(getDb(), RESPOND_JOB);
    expect(rig.queries).toEqual([
      "How long does shipping to Austria take?",
      "Is shipping free for orders over 50 euros?",
    ]);
    expect(customerMessageOf(1)).toBe("Is shipping free for orders over 50 euros?");
    expect((llm.chatRequests()[1].body as Chat).messages[1].content).toContain(
      "customer: How long does shipping to Austria take?\nassistant: Shipping to Austria",
    );
    const inbound = await expectAllNamed(wa);
    const replies = await outbound(wa);
    expect(inbound.map((m) => m.answered_by)).toEqual(replies.map((r) => r.id));
  });

  test("a turn that fails on every attempt ends in an answering_failed escalation naming it, not in a dead job", async () => {
    const db = getDb();
    const wa = "4915200000009";
    // Every AI answer of this conversation fails to commit (a store error the retries cannot fix); holding messages still can.
    await db.sql.unsafe(`create or replace function xin_test_fail_answer() returns trigger language plpgsql as $$
      begin if new.metadata ? 'answer' and new.conversation_id in (select c.id from conversations c join contacts k on k.id = c.contact_id where k.external_id = '${wa}')
      then raise exception 'injected failure'; end if; return new; end $$`);
    await db.sql.unsafe(
      "create trigger xin_test_fail_answer before insert on messages for each row execute function xin_test_fail_answer()",
    );
    try {
      await whatsappText(rig.gw, wa, "wamid.fail1", "How long does shipping to Austria take?");
      await waitUntil(async () => (await escalations(wa)).length === 1);
      await queueSettled(db, RESPOND_JOB);
      const [esc] = await escalations(wa);
      expect(esc).toMatchObject({ reason: "answering_failed", status: "human" });
      expect(llm.chatRequests().length).toBe(3); // every attempt tried to answer
      const [message] = await expectAllNamed(wa);
      expect(message.answered_by).toBe(esc.id);
      expect((await outbound(wa)).map((m) => m.metadata.holding)).toEqual([true]);
      const jobs =
        await db.sql`select j.state, j.attempts from jobs j join conversations c on c.id = j.payload->>'conversation_id'
        join contacts k on k.id = c.contact_id where k.external_id = ${wa} and j.kind = 'respond'`;
      expect(jobs.map((j) => [j.state, j.attempts])).toEqual([["done", 3]]);
    } finally {
      await db.sql.unsafe(
        "drop trigger if exists xin_test_fail_answer on messages; drop function if exists xin_test_fail_answer()",
      );
    }
  });

  test("under concurrent load, every message of every conversation ends named by exactly one turn", async () => {
    const db = getDb();
    const customers = Array.from({ length: 12 }, (_, i) => `49152100000${String(i).padStart(2, "0")}`);
    const questions = [
      "How long does shipping to Austria take?",
      "And to Switzerland?",
      "Is shipping free for orders over 50 euros?",
    ];
    // Each customer's messages in order, the customers interleaved, all posted at once: second messages
    // arrive while first ones are being answered.
    await Promise.all(
      customers.map(async (wa, c) => {
        for (const [n, text] of questions.entries()) {
          await whatsappText(rig.gw, wa, `wamid.load.${c}.${n}`, text);
          await Bun.sleep(0);
        }
      }),
    );
    await waitUntil(
      async () =>
        (
          await db.sql`select count(*)::int as n from messages where provider_message_id like 'wamid.load.%' and answered_by is null`
        )[0].n === 0,
    );
    await queueSettled(db, RESPOND_JOB);
    for (const wa of customers) {
      const inbound = await expectAllNamed(wa);
      expect(inbound.length).toBe(questions.length);
      // Each reply names exactly the messages whose link points at it.
      for (const reply of await outbound(wa)) {
        if (!reply.metadata.answer) continue;
        expect([...reply.metadata.answer.answers].sort()).toEqual(
          inbound
            .filter((m) => m.answered_by === reply.id)
            .map((m) => m.id)
            .sort(),
        );
      }
    }
  }, 60_000);
});
