// End to end: a WhatsApp webhook in, the respond step answering from the brand's ingested knowledge
// with the (fake) LLM, the reply out through the (fake) Graph API; LLM usage per tenant in /metrics.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { createAnswering, createKnowledgeBackend } from "../../src/app";
import { SHOP_DOCS } from "../../src/orchestrator/test-kit";
import { silentLogger } from "../../src/runtime";
import { configSchema } from "../../src/runtime/config";
import { createMetrics } from "../../src/runtime/metrics";
import { Wake, type QueueRunner } from "../../src/runtime/queue";
import { startTestWorkers } from "../support/workers";
import { ingestDocs, waitUntil, whatsappText } from "../support/answering";
import { describeStores } from "../support/db";
import { startMetaGraphFake, type MetaGraphFake } from "../support/fakes";
import { startOpenAIFake, type OpenAIFake } from "../support/fakes/openai";
import { INSTANCE_KEY, setupGateway, WA, type GatewayFixture } from "../support/gateway";

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

type GraphText = { to: string; type: string; text?: { body: string } };
const textsTo = (to: string) =>
  meta.requests
    .filter((r) => r.method === "POST" && r.path.endsWith("/messages"))
    .map((r) => r.body as unknown as GraphText)
    .filter((b) => b.type === "text" && b.to === to);

describeStores("answering end to end", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  const metrics = createMetrics();
  beforeAll(async () => {
    const db = getDb();
    gw = await setupGateway(db, { whatsapp: meta.baseUrl });
    await ingestDocs(db, { tenant_id: gw.tenantId, brand_id: gw.brandId }, SHOP_DOCS);
    const config = configSchema.parse({
      data_dir: "/tmp/unused",
      instance_key: INSTANCE_KEY,
      llm: { base_url: llm.baseUrl, model: "fake-model", max_retries: 1 },
      answer: { quiet_window_ms: 0 },
    });
    const knowledge = createKnowledgeBackend(() => db.db);
    const answering = createAnswering(config, { backend: knowledge, metrics, log: silentLogger });
    await answering.service.start();
    const wake = new Wake();
    runner = startTestWorkers(db, wake, { knowledge, answering: answering.respond });
  });
  afterAll(() => runner.stop(Date.now() + 2000));
  beforeEach(() => {
    meta.reset();
    llm.reset();
  });

  test("a question is answered from the ingested docs, delivered once through the Graph API, usage in /metrics", async () => {
    llm.setReply((messages) =>
      messages.at(-1)?.content.includes("shipping.md")
        ? "Shipping to Austria takes 4 to 6 working days [1]."
        : "I don't know.",
    );
    expect(
      (await whatsappText(gw, "4916000000001", "wamid.e2e1", "How long does shipping to Austria take?")).status,
    ).toBe(200);
    await waitUntil(async () => textsTo("+4916000000001").length === 1);
    expect(textsTo("+4916000000001")[0].text?.body).toBe("Shipping to Austria takes 4 to 6 working days.");
    // The provider has the message before the worker's "sent" commit lands: wait for the row.
    const sentRow = async () =>
      (
        await getDb()
          .sql`select status, metadata from messages where direction = 'out' and body like 'Shipping to Austria%'`
      )[0];
    await waitUntil(async () => (await sentRow())?.status === "sent");
    const row = await sentRow();
    expect(row.metadata.answer.sources[0].source).toBe("shipping.md");
    const exposition = await metrics.registry.metrics();
    expect(exposition).toMatch(
      new RegExp(
        `xin_llm_tokens_total\\{tenant="${gw.tenantId}",model="fake-model",kind="chat",type="completion"\\} 10`,
      ),
    );
    expect(exposition).toContain(`xin_answers_total{tenant="${gw.tenantId}",outcome="answer",reason="",mode="llm"} 1`);
  });

  test("a refund request escalates: the customer gets the holding message only, never the model's text", async () => {
    await whatsappText(gw, "4916000000002", "wamid.e2e2", "I want a refund for my sweater, it has a hole.");
    await waitUntil(async () => textsTo("+4916000000002").length === 1);
    const [esc] = await getDb()
      .sql`select e.reason from escalations e join conversations c on c.id = e.conversation_id join contacts k on k.id = c.contact_id where k.external_id = '4916000000002'`;
    expect(esc.reason).toBe("authorization_required");
    expect(textsTo("+4916000000002")[0].text?.body).toStartWith("Thanks for your message!");
    expect(llm.chatRequests().length).toBe(0);
  });

  test("a message in a language the brand does not answer in escalates, and the holding message is in that language", async () => {
    await whatsappText(
      gw,
      "4916000000003",
      "wamid.e2e3",
      "Wie lange dauert der Versand nach Österreich und was kostet das?",
    );
    await waitUntil(async () => textsTo("+4916000000003").length === 1);
    const [esc] = await getDb()
      .sql`select e.reason from escalations e join conversations c on c.id = e.conversation_id join contacts k on k.id = c.contact_id where k.external_id = '4916000000003'`;
    expect(esc.reason).toBe("language_mismatch");
    expect(textsTo("+4916000000003")[0].text?.body).toStartWith("Danke für Ihre Nachricht!");
    const [held] = await getDb()
      .sql`select body, metadata from messages where direction = 'out' and body like 'Danke%'`;
    expect(held.metadata.holding).toBe(true);
    expect(llm.chatRequests().length).toBe(0);
  });

  test("a gullible model's invented discount code is never sent: the draft escalates as unsupported_answer", async () => {
    llm.setReply("Use code WOOL15 for 15% off your next order [1].");
    await whatsappText(gw, "4916000000004", "wamid.e2e4", "Is shipping free to Germany?");
    await waitUntil(async () => textsTo("+4916000000004").length === 1);
    const [esc] = await getDb()
      .sql`select e.reason, e.draft from escalations e join conversations c on c.id = e.conversation_id join contacts k on k.id = c.contact_id where k.external_id = '4916000000004'`;
    expect(esc).toMatchObject({ reason: "unsupported_answer", draft: "Use code WOOL15 for 15% off your next order." });
    const sent = textsTo("+4916000000004").map((m) => m.text?.body ?? "");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toStartWith("Thanks for your message!");
  });
});
