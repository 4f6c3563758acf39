// The product's job handlers on a test database, run by a QueueRunner with short backoffs.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKnowledgeBackend } from "../../src/app/knowledge";
import { BlobStore, silentLogger } from "../../src/runtime";
import { EgressGuard } from "../../src/runtime/net";
import { QueueRunner, type Wake } from "../../src/runtime/queue";
import { jobHandlers, type HandlerDeps } from "../../src/workers";
import type { TestDb } from "./db";
import { INSTANCE_KEY } from "./gateway";

/** `kinds`: run only the handlers of these job kinds (the rest stay queued, untouched). */
export const startTestWorkers = (
  db: TestDb,
  wake: Wake,
  overrides: Partial<HandlerDeps> = {},
  kinds?: string[],
): QueueRunner => {
  const all = jobHandlers({
    db: () => db.db,
    sql: db.sql,
    instanceKey: INSTANCE_KEY,
    wake,
    maxAttempts: 4,
    blobs: new BlobStore(mkdtempSync(join(tmpdir(), "xin-blobs-"))),
    retentionDays: 7,
    mediaMaxBytes: 1 << 20,
    // The product's default: only public addresses. A test reaching a loopback fake allows it itself.
    egress: new EgressGuard(),
    knowledge: createKnowledgeBackend(() => db.db),
    ...overrides,
  });
  const handlers = kinds ? Object.fromEntries(kinds.map((k) => [k, all[k]])) : all;
  const runner = new QueueRunner(
    db.sql,
    handlers,
    {
      concurrency: 4,
      max_attempts: 4,
      backoff_base_ms: 50,
      backoff_max_ms: 200,
      lease_ms: 30_000,
      poll_interval_ms: 50,
    },
    wake,
    silentLogger,
  );
  runner.start();
  return runner;
};
