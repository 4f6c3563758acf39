// Respond-step latency (issue 6). Prints JSON; BENCH.md records the figures.
//   bun scripts/bench-answer.ts [--messages N] [--store embedded|external]
// One store, one run, three respond handlers on the same WhatsApp webhooks (quiet window 0, one message
// at a time, so figures are latencies, not throughput):
// - baseline: a no-op respond handler that only completes its job in a transaction (queue + store cost);
// - knowledge: the real pipeline with no LLM (retrieval, guardrails, best passage, reply + deliver job);
// - llm: the real pipeline with the fake OpenAI-compatible server answering at once.
// For each: p50/p95 of the handler's own time (the respond step) and of webhook-accepted → handler-done.
import { QueueRunner, Wake, type JobHandler } from "../src/runtime/queue";
import { silentLogger } from "../src/runtime";
import { transaction } from "../src/runtime/db";
import { RESPOND_JOB } from "../src/inbox";
import { answerTurn, parsePolicies, respondHandler } from "../src/orchestrator";
import { seedDemoKnowledge } from "../src/app/demo";
import { DEMO_QUALITY_SET, judge } from "../src/app/demo/quality";
import { pipelineDeps, SHOP_DOCS } from "../src/orchestrator/test-kit";
import { MemoryBackend, analyzerFor } from "../src/rag";
import { createTestDb, type StoreKindName } from "../test/support/db";
import { startOpenAIFake } from "../test/support/fakes/openai";
import { setupGateway } from "../test/support/gateway";
import { ingestDocs, whatsappText } from "../test/support/answering";

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const N = Number(arg("--messages")) || 200;
const store = (arg("--store") ?? "embedded") as StoreKindName;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
};

const db = await createTestDb(store);
const llm = startOpenAIFake();
llm.setReply("Shipping to Austria takes 4 to 6 working days [1].");
const gw = await setupGateway(db, { whatsapp: "http://127.0.0.1:9" });
const backend = await ingestDocs(db, { tenant_id: gw.tenantId, brand_id: gw.brandId }, SHOP_DOCS);
const wake = new Wake();
await wake.listen(db.sql, silentLogger);

const pipelineOf = (withLlm: boolean) => ({
  ...pipelineDeps(new MemoryBackend(() => analyzerFor("en")), withLlm ? llm.baseUrl : null),
  search: backend.search.bind(backend),
});
const variants: Record<string, JobHandler> = {
  baseline: async (_job, ctx) => transaction(db.db, (tx) => ctx.completeIn(tx)),
  knowledge: respondHandler({
    db: () => db.db,
    wake,
    maxAttempts: 3,
    quietWindowMs: 0,
    historyTokens: 1500,
    pipeline: pipelineOf(false),
  }),
  llm: respondHandler({
    db: () => db.db,
    wake,
    maxAttempts: 3,
    quietWindowMs: 0,
    historyTokens: 1500,
    pipeline: pipelineOf(true),
  }),
};

const results: Record<string, unknown> = {};
let seq = 0;
for (const [name, handler] of Object.entries(variants)) {
  const step: number[] = [];
  const total: number[] = [];
  let accepted = 0;
  let done: (() => void) | null = null;
  const timed: JobHandler = async (job, ctx) => {
    const t0 = performance.now();
    await handler(job, ctx);
    const t1 = performance.now();
    step.push(t1 - t0);
    total.push(t1 - accepted);
    done?.();
  };
  const runner = new QueueRunner(
    db.sql,
    { [RESPOND_JOB]: timed },
    {
      concurrency: 1,
      max_attempts: 3,
      backoff_base_ms: 100,
      backoff_max_ms: 1000,
      lease_ms: 60_000,
      poll_interval_ms: 1000,
    },
    wake,
    silentLogger,
  );
  runner.start();
  for (let i = 0; i < N + 20; i++) {
    const finished = new Promise<void>((resolve) => (done = resolve));
    const from = `49170${String(++seq).padStart(7, "0")}`;
    const res = await whatsappText(gw, from, `wamid.bench${seq}`, "How long does shipping to Austria take?");
    accepted = performance.now();
    if (res.status !== 200) throw new Error(`webhook ${res.status}`);
    await finished;
  }
  await runner.stop(Date.now() + 2000);
  // The first 20 warm up (JIT, connection pool, analyzer caches) and are left out.
  const s = step.slice(20);
  const t = total.slice(20);
  results[name] = {
    step_ms: { p50: pct(s, 50), p95: pct(s, 95) },
    accepted_to_done_ms: { p50: pct(t, 50), p95: pct(t, 95) },
  };
}

// Answer quality of knowledge-base mode on the demo brand's question set (answered correctly / escalated / wrong).
const demo = new MemoryBackend(() => analyzerFor("en"));
const demoScope = { tenant_id: "ten_demo", brand_id: "brd_demo" };
await seedDemoKnowledge(demo, demoScope);
const demoBrand = {
  id: demoScope.brand_id,
  tenant_id: demoScope.tenant_id,
  name: "Demo Shop",
  persona: { name: "Demo Shop", tone: "friendly", language: "en", directives: [] },
  policies: parsePolicies({}),
};
const quality = { correct: 0, escalated: 0, wrong: 0, questions: DEMO_QUALITY_SET.length };
for (const c of DEMO_QUALITY_SET) {
  const o = await answerTurn(
    { ...pipelineOf(false), search: demo.search.bind(demo) },
    { brand: demoBrand, question: c.question, history: [] },
  );
  quality[judge(c, o)] += 1;
}
results.knowledge_quality = quality;

const outcomes =
  await db.sql`select count(*) filter (where metadata ? 'answer')::int as answers, count(*)::int as outbound from messages where direction = 'out'`;
console.log(
  JSON.stringify(
    { store, messages: N, results, outbound_rows: outcomes[0], llm_requests: llm.chatRequests().length },
    null,
    2,
  ),
);
await wake.close();
await llm.stop();
await db.dispose();
process.exit(0);
