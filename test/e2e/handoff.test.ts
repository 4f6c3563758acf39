// End to end: hand-off to a human and back. Real WhatsApp webhooks through the gateway, the respond step
// with the (fake) LLM, an agent acting through the real admin API routes, deliveries through the (fake)
// Graph API. Each scenario checks what the customer received and what was persisted (escalation,
// messages, audit log), because "the API said 200" proves nothing about what went out.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { createAnswering, createKnowledgeBackend } from "../../src/app";
import { SHOP_DOCS } from "../../src/orchestrator/test-kit";
import { silentLogger } from "../../src/runtime";
import { configSchema } from "../../src/runtime/config";
import { Wake, type QueueRunner } from "../../src/runtime/queue";
import { ingestDocs, waitUntil, whatsappText } from "../support/answering";
import { describeStores } from "../support/db";
import { startMetaGraphFake, type MetaGraphFake } from "../support/fakes";
import { isChatRequest, rateLimited, serverError, startOpenAIFake, type OpenAIFake } from "../support/fakes/openai";
import { gatewayHandler, INSTANCE_KEY, setupGateway, WA, type GatewayFixture } from "../support/gateway";
import {
  agentOf,
  auditOf,
  conversationOf,
  escalationsOf,
  jobsSettled,
  outboundOf,
  textsTo,
  type AgentApi,
} from "../support/handoff";
import { startTestWorkers } from "../support/workers";

let meta: MetaGraphFake;
let llm: OpenAIFake;
beforeAll(() => {
  meta = startMetaGraphFake({ accessToken: WA.access_token });
  llm = startOpenAIFake();
});
afterAll(async () => {
  await meta.stop();
  await llm.stop();
});

// Passes the input guardrails (it asks what can be done, it does not demand a refund), so the model
// writes a draft; the draft commits to a refund, which the output guardrail sends to a human.
const COMPLAINT = "My merino sweater arrived with a hole in it. What can you do about that?";
const PROMISING_DRAFT = "We will issue a full refund for the sweater right away [1].";
const DRAFT = "We will issue a full refund for the sweater right away.";
const SHIPPING = "How long does shipping to Austria take?";
const SHIPPING_ANSWER = "Shipping to Austria takes 4 to 6 working days.";
const HOLDING = "Thanks for your message! A member of our team will get back to you here shortly.";

describeStores("hand-off end to end", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  let alice: AgentApi;
  beforeAll(async () => {
    const db = getDb();
    const wake = new Wake();
    const fixture = await setupGateway(db, { whatsapp: meta.baseUrl });
    // The gateway shares the workers' wake-up signal, as in `xin serve`: jobs start without polling delay.
    gw = { ...fixture, fetch: gatewayHandler(db, undefined, { wake }) };
    await ingestDocs(db, { tenant_id: gw.tenantId, brand_id: gw.brandId }, SHOP_DOCS);
    const config = configSchema.parse({
      data_dir: "/tmp/unused",
      instance_key: INSTANCE_KEY,
      llm: { base_url: llm.baseUrl, model: "fake-model", timeout_ms: 1_000, max_retries: 1 },
      answer: { quiet_window_ms: 0 },
    });
    const knowledge = createKnowledgeBackend(() => db.db);
    const answering = createAnswering(config, { backend: knowledge, log: silentLogger });
    await answering.service.start();
    runner = startTestWorkers(db, wake, { knowledge, answering: answering.respond });
    alice = await agentOf(gw, "alice");
  });
  afterAll(() => runner.stop(Date.now() + 2000));
  beforeEach(() => {
    meta.reset();
    llm.reset();
  });

  const settled = () => waitUntil(() => jobsSettled(getDb()));
  /** The model answers the shipping question from shipping.md, citing it, as a grounded answer does. */
  const shippingReply = () =>
    llm.setReply((messages) =>
      messages.at(-1)?.content.includes("shipping.md") ? `${SHIPPING_ANSWER.slice(0, -1)} [1].` : "I don't know.",
    );

  /** The customer complains; waits for the escalation and its holding message, the only thing sent so far. */
  const escalated = async (waId: string) => {
    llm.setReply(PROMISING_DRAFT);
    expect((await whatsappText(gw, waId, `wamid.${waId}.1`, COMPLAINT)).status).toBe(200);
    await waitUntil(async () => textsTo(meta, waId).length === 1);
    await settled();
    expect(textsTo(meta, waId)).toEqual([HOLDING]);
    const conversationId = (await conversationOf(getDb(), waId))!;
    const [esc] = await escalationsOf(getDb(), conversationId);
    expect(esc).toMatchObject({ reason: "authorization_required", state: "open", draft: DRAFT });
    expect(llm.chatRequests().length).toBe(1);
    return { conversationId, escalationId: esc.id as string };
  };

  test("approve: the customer gets the holding message, then the AI draft exactly once", async () => {
    const { conversationId, escalationId } = await escalated("4916100000001");
    const ok = await alice("POST", `/api/v1/escalations/${escalationId}/approve`);
    expect(ok.status).toBe(200);
    await waitUntil(async () => textsTo(meta, "4916100000001").length === 2);
    await settled();
    expect(textsTo(meta, "4916100000001")).toEqual([HOLDING, DRAFT]);
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/approve`)).status).toBe(409);
    await settled();
    expect(textsTo(meta, "4916100000001").length).toBe(2);

    expect(await escalationsOf(getDb(), conversationId)).toMatchObject([{ state: "resolved", resolution: "approved" }]);
    const out = await outboundOf(getDb(), conversationId);
    expect(out.map((m) => [m.body, m.author, m.status])).toEqual([
      [HOLDING, "ai", "sent"],
      [DRAFT, "human", "sent"],
    ]);
    expect((await auditOf(getDb(), escalationId)).map((r) => [r.action, r.actor])).toEqual([
      ["escalation.approve", alice.actor],
    ]);
    expect(llm.chatRequests().length).toBe(1); // approving asks the model nothing
  });

  test("edit: the agent's edited text goes out once, the original draft never", async () => {
    const { conversationId, escalationId } = await escalated("4916100000002");
    const edited = "Sorry about the hole! Send the sweater back and we refund you within 5 days.";
    const ok = await alice("POST", `/api/v1/escalations/${escalationId}/send`, { text: edited });
    expect(ok.status).toBe(200);
    await waitUntil(async () => textsTo(meta, "4916100000002").length === 2);
    await settled();
    expect(textsTo(meta, "4916100000002")).toEqual([HOLDING, edited]);
    expect(await escalationsOf(getDb(), conversationId)).toMatchObject([{ state: "resolved", resolution: "edited" }]);
    const out = await outboundOf(getDb(), conversationId);
    expect(out.map((m) => m.body)).toEqual([HOLDING, edited]);
    expect(out.every((m) => m.status === "sent")).toBe(true);
    expect((await auditOf(getDb(), escalationId)).map((r) => r.action)).toEqual(["escalation.edit_send"]);
  });

  test("take over: the agent's reply goes out once; the customer's next message gets no bot answer and no LLM call", async () => {
    const waId = "4916100000003";
    const { conversationId, escalationId } = await escalated(waId);
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/take-over`)).body.escalation).toMatchObject({
      state: "claimed",
      conversation_status: "human",
    });
    const own = "Hi, this is Alice. I am sorry about the sweater; a replacement is on its way.";
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/reply`, { text: own })).status).toBe(200);
    await waitUntil(async () => textsTo(meta, waId).length === 2);

    llm.setReply(SHIPPING_ANSWER);
    expect((await whatsappText(gw, waId, `wamid.${waId}.2`, SHIPPING)).status).toBe(200);
    await waitUntil(
      async () =>
        (await getDb().sql`select 1 from messages where provider_message_id = ${`wamid.${waId}.2`}`).length === 1,
    );
    await settled();
    expect(textsTo(meta, waId)).toEqual([HOLDING, own]);
    expect(llm.chatRequests().length).toBe(1); // the complaint's draft only
    expect((await outboundOf(getDb(), conversationId)).map((m) => [m.body, m.author])).toEqual([
      [HOLDING, "ai"],
      [own, "human"],
    ]);
    const [conv] = await getDb().sql`select status, assigned_agent_id from conversations where id = ${conversationId}`;
    expect(conv.status).toBe("human");
    expect(conv.assigned_agent_id).not.toBeNull();
    expect(await escalationsOf(getDb(), conversationId)).toMatchObject([{ state: "claimed", resolution: null }]);
  });

  test("hand back: the bot answers the next message exactly once; the audit log has take over, reply, hand back in order", async () => {
    const waId = "4916100000004";
    const { conversationId, escalationId } = await escalated(waId);
    await alice("POST", `/api/v1/escalations/${escalationId}/take-over`);
    const own = "Hi, this is Alice. A replacement sweater is on its way.";
    await alice("POST", `/api/v1/escalations/${escalationId}/reply`, { text: own });
    const back = await alice("POST", `/api/v1/escalations/${escalationId}/hand-back`);
    expect(back.body.escalation).toMatchObject({
      state: "resolved",
      resolution: "handed_back",
      conversation_status: "bot",
    });
    await waitUntil(async () => textsTo(meta, waId).length === 2);

    shippingReply();
    await whatsappText(gw, waId, `wamid.${waId}.2`, SHIPPING);
    await waitUntil(async () => textsTo(meta, waId).length === 3);
    await settled();
    expect(textsTo(meta, waId)).toEqual([HOLDING, own, SHIPPING_ANSWER]);
    const out = await outboundOf(getDb(), conversationId);
    expect(out.map((m) => [m.body, m.author, m.status])).toEqual([
      [HOLDING, "ai", "sent"],
      [own, "human", "sent"],
      [SHIPPING_ANSWER, "ai", "sent"],
    ]);
    expect(out[2].answer.mode).toBe("llm");
    expect(await escalationsOf(getDb(), conversationId)).toMatchObject([
      { state: "resolved", resolution: "handed_back" },
    ]);
    expect((await auditOf(getDb(), escalationId)).map((r) => [r.action, r.actor])).toEqual([
      ["escalation.take_over", alice.actor],
      ["escalation.reply", alice.actor],
      ["escalation.hand_back", alice.actor],
    ]);
  });

  test("close after take over: the bot resumes (nothing else could ever hand it back), the next message is answered once", async () => {
    const waId = "4916100000005";
    const { conversationId, escalationId } = await escalated(waId);
    await alice("POST", `/api/v1/escalations/${escalationId}/take-over`);
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/close`)).body.escalation).toMatchObject({
      state: "closed",
      conversation_status: "bot",
    });
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/hand-back`)).body.error?.code).toBe(
      "escalation.done",
    );
    const [conv] = await getDb().sql`select status, assigned_agent_id from conversations where id = ${conversationId}`;
    expect(conv).toEqual({ status: "bot", assigned_agent_id: null });

    shippingReply();
    await whatsappText(gw, waId, `wamid.${waId}.2`, SHIPPING);
    await waitUntil(async () => textsTo(meta, waId).length === 2);
    await settled();
    expect(textsTo(meta, waId)).toEqual([HOLDING, SHIPPING_ANSWER]);
    expect((await auditOf(getDb(), escalationId)).map((r) => r.action)).toEqual([
      "escalation.take_over",
      "escalation.close",
    ]);
  });

  test("the answered link through a hand-off: the escalation names the complaint, the agent's reply what came meanwhile, closing the rest", async () => {
    const waId = "4916100000006";
    const { conversationId, escalationId } = await escalated(waId);
    await alice("POST", `/api/v1/escalations/${escalationId}/take-over`);
    const link = async () =>
      (
        await getDb()
          .sql`select provider_message_id, answered_by from messages where conversation_id = ${conversationId} and direction = 'in' order by provider_message_id`
      ).map((r) => [r.provider_message_id, r.answered_by]);
    const arrived = async (n: number, text: string) => {
      await whatsappText(gw, waId, `wamid.${waId}.${n}`, text);
      await waitUntil(
        async () =>
          (await getDb().sql`select 1 from messages where provider_message_id = ${`wamid.${waId}.${n}`}`).length === 1,
      );
      await settled();
    };
    // While the agent holds the conversation, what the customer says is pending under the claimed escalation.
    await arrived(2, SHIPPING);
    expect(await link()).toEqual([
      [`wamid.${waId}.1`, escalationId],
      [`wamid.${waId}.2`, null],
    ]);
    const own = "Hi, this is Alice. Shipping to Austria takes 4 to 6 working days.";
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/reply`, { text: own })).status).toBe(200);
    const agentReply = (await outboundOf(getDb(), conversationId)).find((m) => m.body === own)!;
    expect(await link()).toEqual([
      [`wamid.${waId}.1`, escalationId],
      [`wamid.${waId}.2`, agentReply.id],
    ]);
    await arrived(3, "Thanks, that is all I needed to know.");
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/close`)).status).toBe(200);
    expect((await link())[2]).toEqual([`wamid.${waId}.3`, escalationId]);
    expect(llm.chatRequests().length).toBe(1);
  });

  /**
   * How one customer message ended: answered by exactly one AI reply (its metadata names the messages it
   * answers), or covered by the conversation's open escalation whose holding message went out. Anything
   * else — silence, two replies — is returned as such so the assertion names it.
   */
  const fateOf = async (conversationId: string, messageId: string): Promise<string> => {
    const out = await outboundOf(getDb(), conversationId);
    const answers = out.filter((m) => (m.answer?.answers ?? []).includes(messageId));
    if (answers.length > 1) return "answered twice";
    if (answers.length === 1) return answers[0].status === "sent" ? "answered" : `answer ${answers[0].status}`;
    const open = (await escalationsOf(getDb(), conversationId)).filter((e) => e.state === "open");
    const holding = out.filter((m) => m.holding && m.status === "sent");
    return open.length === 1 && holding.length === 1 ? `escalated: ${open[0].reason}` : "silent";
  };

  test("LLM down: each message ends answered once or in an llm_unavailable escalation with its holding message; after recovery the bot answers", async () => {
    shippingReply();
    // Down the way providers go down: 500s, a 429 asking for a short wait, a request that hangs until
    // the client's timeout, a 503 — round-robin, whatever the client's retries do.
    llm.outage([serverError(500), rateLimited({ retryAfterMs: 200 }), { hang: true }, serverError(503)], isChatRequest);
    const customers = ["4916200000001", "4916200000002", "4916200000003", "4916200000004", "4916200000005"];
    const [a, b, c, d, e] = customers;
    const plan: [string, string][] = [
      [a, SHIPPING],
      [b, SHIPPING],
      [c, SHIPPING],
      [b, `Sorry, ${SHIPPING.toLowerCase()}`],
      [d, SHIPPING],
      [e, SHIPPING],
      [d, `Hello? ${SHIPPING}`],
    ];
    const escalatedCount = async () =>
      (
        await getDb()
          .sql`select count(*)::int as n from escalations e join conversations c on c.id = e.conversation_id join contacts k on k.id = c.contact_id
                         where e.reason = 'llm_unavailable' and k.external_id in ${getDb().sql(customers)}`
      )[0].n as number;
    // Lifted after 2 s at the earliest and only once two customers were escalated, so the outage
    // certainly hit someone while later messages still arrive around the recovery.
    const lifted = (async () => {
      await Bun.sleep(2_000);
      await waitUntil(async () => (await escalatedCount()) >= 2);
      llm.outage(null);
    })();
    for (const [i, [waId, text]] of plan.entries()) {
      expect((await whatsappText(gw, waId, `wamid.${waId}.${i}`, text)).status).toBe(200);
      await Bun.sleep(450); // customers write over a period, not in one burst
    }
    await lifted;
    await settled();

    const fates: string[] = [];
    for (const waId of customers) {
      const conversationId = (await conversationOf(getDb(), waId))!;
      const inbound = await getDb()
        .sql`select id from messages where conversation_id = ${conversationId} and direction = 'in' order by created_at`;
      for (const m of inbound) fates.push(await fateOf(conversationId, m.id));
      // What went out is exactly what is stored as sent: no send lost, none repeated.
      const out = await outboundOf(getDb(), conversationId);
      expect(out.every((m) => m.status === "sent")).toBe(true);
      expect(textsTo(meta, waId)).toEqual(out.map((m) => m.body));
      expect(out.filter((m) => m.holding).length).toBeLessThanOrEqual(1);
    }
    expect(fates.length).toBe(plan.length);
    expect(fates.filter((f) => f !== "answered" && f !== "escalated: llm_unavailable")).toEqual([]);
    expect(fates.filter((f) => f === "escalated: llm_unavailable").length).toBeGreaterThanOrEqual(2);
    const reasons = await getDb()
      .sql`select distinct reason from escalations e join conversations c on c.id = e.conversation_id join contacts k on k.id = c.contact_id where k.external_id in ${getDb().sql(customers)}`;
    expect(reasons.map((r) => r.reason)).toEqual(["llm_unavailable"]);

    // Recovered: a new customer is answered normally, once.
    const after = "4916200000006";
    const calls = llm.chatRequests().length;
    await whatsappText(gw, after, `wamid.${after}.1`, SHIPPING);
    await waitUntil(async () => textsTo(meta, after).length === 1);
    await settled();
    expect(textsTo(meta, after)).toEqual([SHIPPING_ANSWER]);
    expect(llm.chatRequests().length).toBe(calls + 1);
    const conversationId = (await conversationOf(getDb(), after))!;
    expect((await outboundOf(getDb(), conversationId)).map((m) => [m.body, m.answer?.mode])).toEqual([
      [SHIPPING_ANSWER, "llm"],
    ]);
    expect((await escalationsOf(getDb(), conversationId)).length).toBe(0);
  });
});
