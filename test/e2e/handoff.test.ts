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
import { startOpenAIFake, type OpenAIFake } from "../support/fakes/openai";
import { gatewayHandler, INSTANCE_KEY, setupGateway, WA, type GatewayFixture } from "../support/gateway";
import { agentOf, auditOf, conversationOf, escalationsOf, jobsSettled, outboundOf, textsTo, type AgentApi } from "../support/handoff";
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
    expect((await auditOf(getDb(), escalationId)).map((r) => [r.action, r.actor])).toEqual([["escalation.approve", alice.actor]]);
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
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/take-over`)).body.escalation).toMatchObject({ state: "claimed", conversation_status: "human" });
    const own = "Hi, this is Alice. I am sorry about the sweater; a replacement is on its way.";
    expect((await alice("POST", `/api/v1/escalations/${escalationId}/reply`, { text: own })).status).toBe(200);
    await waitUntil(async () => textsTo(meta, waId).length === 2);

    llm.setReply(SHIPPING_ANSWER);
    expect((await whatsappText(gw, waId, `wamid.${waId}.2`, SHIPPING)).status).toBe(200);
    await waitUntil(async () => (await getDb().sql`select 1 from messages where provider_message_id = ${`wamid.${waId}.2`}`).length === 1);
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
    expect(back.body.escalation).toMatchObject({ state: "resolved", resolution: "handed_back", conversation_status: "bot" });
    await waitUntil(async () => textsTo(meta, waId).length === 2);

    llm.setReply((messages) => (messages.at(-1)?.content.includes("shipping.md") ? `${SHIPPING_ANSWER.slice(0, -1)} [1].` : "I don't know."));
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
    expect(await escalationsOf(getDb(), conversationId)).toMatchObject([{ state: "resolved", resolution: "handed_back" }]);
    expect((await auditOf(getDb(), escalationId)).map((r) => [r.action, r.actor])).toEqual([
      ["escalation.take_over", alice.actor],
      ["escalation.reply", alice.actor],
      ["escalation.hand_back", alice.actor],
    ]);
  });
});
