// A respond worker over a test database with a WhatsApp channel and the shop's knowledge, for tests of
// what a turn answers: the retrieval queries it made, a hook between reading the context and committing,
// and the rows and links to assert on.
import { expect } from "bun:test";
import type { Row } from "postgres";
import { DELIVER_JOB, RESPOND_JOB } from "../../src/inbox";
import { respondHandler, type RespondDeps } from "../../src/orchestrator";
import { pipelineDeps, SHOP_DOCS } from "../../src/orchestrator/test-kit";
import { analyzerFor, MemoryBackend, type SearchRequest } from "../../src/rag";
import { silentLogger } from "../../src/runtime";
import { QueueRunner, Wake } from "../../src/runtime/queue";
import { ingestDocs } from "./answering";
import type { TestDb } from "./db";
import { setupGateway, type GatewayFixture } from "./gateway";
import { expectPendingConsistent } from "./pending";

export type RespondRig = {
  gw: GatewayFixture;
  deps: RespondDeps;
  /** The retrieval query of every answer, in order. */
  queries: string[];
  /** Runs once, in the next answer, after its context was read and before it commits. */
  meanwhile(hook: () => Promise<void>): void;
  rows(wa: string): Promise<Row[]>;
  outbound(wa: string): Promise<Row[]>;
  escalations(wa: string): Promise<Row[]>;
  /** Asserts every inbound message of the customer that awaits a turn is named by an existing reply or escalation; returns them. */
  expectAllNamed(wa: string): Promise<Row[]>;
  stop(): Promise<void>;
};

export const startRespondRig = async (db: TestDb, llmBaseUrl: string): Promise<RespondRig> => {
  const gw = await setupGateway(db, { whatsapp: "http://127.0.0.1:9" });
  const backend = await ingestDocs(db, { tenant_id: gw.tenantId, brand_id: gw.brandId }, SHOP_DOCS);
  const base = pipelineDeps(new MemoryBackend(() => analyzerFor("en")), llmBaseUrl, 1);
  const queries: string[] = [];
  let hook: (() => Promise<void>) | null = null;
  const deps: RespondDeps = {
    db: () => db.db,
    wake: new Wake(),
    maxAttempts: 3,
    quietWindowMs: 0,
    historyTokens: 500,
    pipeline: {
      ...base,
      search: async (r: SearchRequest) => {
        queries.push(r.query);
        const run = hook;
        hook = null;
        await run?.();
        return backend.search(r);
      },
    },
  };
  // Deliveries complete at once (no provider here): they hold the conversation's key, so the next turn waits for them.
  const handlers = { [RESPOND_JOB]: respondHandler(deps), [DELIVER_JOB]: async () => {} };
  const runner = new QueueRunner(
    db.sql,
    handlers,
    {
      concurrency: 4,
      max_attempts: 3,
      backoff_base_ms: 20,
      backoff_max_ms: 50,
      lease_ms: 30_000,
      poll_interval_ms: 50,
    },
    deps.wake,
    silentLogger,
  );
  runner.start();

  const rows = (wa: string) =>
    db.sql`select m.id, m.direction, m.body, m.awaits_turn, m.answered_by, m.created_at, m.metadata from messages m
      join conversations c on c.id = m.conversation_id join contacts k on k.id = c.contact_id where k.external_id = ${wa} order by m.created_at, m.id`;
  const outbound = async (wa: string) => (await rows(wa)).filter((m) => m.direction === "out");
  const escalations = (wa: string) =>
    db.sql`select e.id, e.reason, c.status from escalations e join conversations c on c.id = e.conversation_id join contacts k on k.id = c.contact_id where k.external_id = ${wa}`;
  const expectAllNamed = async (wa: string) => {
    const all = await rows(wa);
    const turns = new Set([
      ...all.filter((m) => m.direction === "out").map((m) => m.id),
      ...(await escalations(wa)).map((e) => e.id),
    ]);
    const inbound = all.filter((m) => m.direction === "in" && m.awaits_turn);
    expect(inbound.length).toBeGreaterThan(0);
    for (const m of inbound)
      expect({ message: m.id, named: turns.has(m.answered_by) }).toEqual({ message: m.id, named: true });
    await expectPendingConsistent(db.sql);
    return inbound;
  };
  return {
    gw,
    deps,
    queries,
    meanwhile: (h) => {
      hook = h;
    },
    rows,
    outbound,
    escalations,
    expectAllNamed,
    stop: () => runner.stop(Date.now() + 2000),
  };
};
