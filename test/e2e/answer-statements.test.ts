// The answering path's round trips to the store, counted (issue 12's cost budget): a WhatsApp question
// answered from the docs by the (fake) LLM and delivered, with the workers on a client that records
// every statement it sends. Each statement costs PostgreSQL its per-statement work and xin a socket
// write; the list below is what one answer needs, so a change that adds one fails here, not only in
// bench-e2e's CPU figures.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createAnswering, createKnowledgeBackend } from "../../src/app";
import { SHOP_DOCS } from "../../src/orchestrator/test-kit";
import { silentLogger } from "../../src/runtime";
import { configSchema } from "../../src/runtime/config";
import { openClient, type StoreClient } from "../../src/runtime/db";
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

// The queue's own polling (claims, the next due time, lease sweeps) runs on a timer, not per answer.
const POLLING = [/with candidates as/, /min\(run_at\)/, /locked_until < now\(\)/];

describeStores("answering statements", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  let client: StoreClient;
  const sent: string[] = [];
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
    // postgres.js's debug hook: called with each statement's text as it is sent.
    client = openClient(db.target, { max: 4, onQuery: (...a: unknown[]) => void sent.push(String(a[1])) });
    const workerDb = { ...db, db: client.db, sql: client.sql };
    const knowledge = createKnowledgeBackend(() => client.db);
    const answering = createAnswering(config, { backend: knowledge, metrics: createMetrics(), log: silentLogger });
    await answering.service.start();
    runner = startTestWorkers(workerDb, new Wake(), { knowledge, answering: answering.respond });
  });
  afterAll(async () => {
    await runner.stop(Date.now() + 2000);
    await client.close();
  });

  test("a question answered and delivered: the respond run and the delivery send only these statements", async () => {
    llm.setReply(() => "Shipping to Austria takes 4 to 6 working days [1].");
    // A first answer warms what is read once (the channel row, the brand's knowledge index).
    await whatsappText(gw, "4916000000101", "wamid.st1", "How long does shipping to Austria take?");
    const sentTo = async (to: string) =>
      (
        await getDb()
          .sql`select m.status from messages m join conversations c on c.id = m.conversation_id join contacts k on k.id = c.contact_id where k.external_id = ${to} and m.direction = 'out'`
      )[0]?.status === "sent";
    const deliverDone = async () =>
      (
        await getDb().sql`select count(*)::int as n from jobs where kind in ('respond', 'deliver') and state <> 'done'`
      )[0].n === 0;
    await waitUntil(async () => (await sentTo("4916000000101")) && (await deliverDone()));
    sent.length = 0;
    expect(
      (await whatsappText(gw, "4916000000102", "wamid.st2", "How long does shipping to Austria take?")).status,
    ).toBe(200);
    await waitUntil(async () => (await sentTo("4916000000102")) && (await deliverDone()));
    const perAnswer = sent
      .filter((q) => !POLLING.some((p) => p.test(q)))
      .map((q) => q.replace(/\s+/g, " ").trim().slice(0, 60));
    // Outside transactions: the context (one statement; the chunk search is served from the brand's
    // in-memory index). The respond transaction: the lock and the still-current check, the reply, the
    // answered link, the completion, the deliver job. The delivery: its read recording the attempt (a
    // group commit of its own before the provider call), then the sent mark and its completion. 10 in
    // all (the session's first binary sent 11, before this work 13), plus BEGIN/COMMIT per group commit.
    const kinds = perAnswer.filter((q) => !/^(begin|commit)\b/i.test(q));
    expect(kinds.filter((q) => q.startsWith("select c.id, c.tenant_id, c.status")).length).toBe(1);
    expect(kinds.filter((q) => q.startsWith("with attempt as")).length).toBe(1);
    expect(kinds.some((q) => /^select "messages"/.test(q))).toBe(false);
    expect(kinds.length).toBeLessThanOrEqual(10);
    expect(perAnswer.length).toBeLessThanOrEqual(16);
  });
});
