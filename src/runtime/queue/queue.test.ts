import { afterEach, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { describeStores, type TestDb } from "../../../test/support/db";
import { transaction } from "../db";
import { silentLogger } from "../log";
import { enqueueJobs, JobDeferred, QueueRunner, Wake, type JobHandler, type NewJob } from ".";

const OPTIONS = {
  concurrency: 4,
  max_attempts: 3,
  backoff_base_ms: 5,
  backoff_max_ms: 20,
  lease_ms: 60_000,
  poll_interval_ms: 50,
};
const WORKER = join(import.meta.dir, "../../../test/support/queue-worker.ts");

const enqueue = (db: TestDb, wake: Wake | null, jobs: NewJob[]) =>
  transaction(db.db, (ctx) => enqueueJobs(ctx, wake, jobs, 3));

const waitFor = async (fn: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await Bun.sleep(20);
  }
};

const states = async (db: TestDb, kind: string) =>
  (
    await db.sql<
      { state: string; count: number }[]
    >`select state, count(*)::int as count from jobs where kind = ${kind} group by state`
  ).reduce((acc, r) => ({ ...acc, [r.state]: r.count }), {} as Record<string, number>);

const children: Bun.Subprocess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

const spawnWorker = async (db: TestDb, env: Record<string, string> = {}) => {
  const child = Bun.spawn([process.execPath, WORKER], {
    env: { ...process.env, XIN_TEST_TARGET: JSON.stringify(db.target), ...env },
    stdout: "pipe",
    stderr: "inherit",
  });
  children.push(child);
  const reader = child.stdout.getReader();
  const { value } = await reader.read(); // "ready"
  reader.releaseLock();
  expect(new TextDecoder().decode(value)).toContain("ready");
  return child;
};

describeStores("queue", (getDb) => {
  beforeAll(async () => {
    const db = getDb();
    await db.sql`create table test_runs (job_id bigint, key text, worker int, started_ms bigint, ended_ms bigint)`;
    await db.sql`create table test_markers (job_id bigint, worker int)`;
    await db.sql`create table test_effects (job_id bigint unique)`;
    await db.sql`create table test_order (job_id bigint, key text, seq int, at serial)`;
  });

  const run = async (handlers: Record<string, JobHandler>, options = OPTIONS) => {
    const db = getDb();
    const wake = new Wake();
    await wake.listen(db.sql, silentLogger);
    const runner = new QueueRunner(db.sql, handlers, options, wake, silentLogger);
    runner.start();
    return {
      wake,
      stop: async () => {
        await runner.stop(Date.now() + 2000);
        await wake.close();
      },
    };
  };

  test("jobs enqueued in a transaction run once; a rolled-back enqueue never runs", async () => {
    const db = getDb();
    const seen: number[] = [];
    const { wake, stop } = await run({ ok: async (job) => void seen.push((job.payload as { n: number }).n) });
    await enqueue(
      db,
      wake,
      [1, 2, 3].map((n) => ({ kind: "ok", payload: { n } })),
    );
    await transaction(db.db, async (ctx) => {
      await enqueueJobs(ctx, wake, [{ kind: "ok", payload: { n: 99 } }], 3);
      throw new Error("rollback");
    }).catch(() => {});
    await waitFor(async () => (await states(db, "ok")).done === 3);
    await Bun.sleep(100);
    await stop();
    expect(seen.sort()).toEqual([1, 2, 3]);
    expect(await states(db, "ok")).toEqual({ done: 3 });
  });

  test("a job that always fails ends dead-lettered with its error after max attempts", async () => {
    const db = getDb();
    let calls = 0;
    const { wake, stop } = await run({
      boom: async () => {
        calls++;
        throw new Error("provider exploded");
      },
    });
    const [id] = await enqueue(db, wake, [{ kind: "boom" }]);
    await waitFor(async () => (await states(db, "boom")).dead === 1);
    await stop();
    const [job] = await db.sql`select attempts, last_error, finished_at from jobs where id = ${id}`;
    expect(calls).toBe(3);
    expect(job.attempts).toBe(3);
    expect(job.last_error).toBe("internal: provider exploded");
    expect(job.finished_at).not.toBeNull();
  });

  test("a deferred job runs again without using an attempt, and its key's later jobs wait behind it", async () => {
    const db = getDb();
    const order: string[] = [];
    let defers = 0;
    const { wake, stop } = await run({
      waits: async (job) => {
        if (defers < 5) {
          // more than max_attempts (3): deferring must not use them up
          defers += 1;
          throw new JobDeferred(10, "waiting for a status");
        }
        order.push(`waits:${job.attempts}`);
      },
      next: async () => void order.push("next"),
    });
    const [id] = await enqueue(db, wake, [
      { kind: "waits", key: "conv:d" },
      { kind: "next", key: "conv:d" },
    ]);
    await waitFor(async () => (await states(db, "next")).done === 1);
    await stop();
    expect(order).toEqual(["waits:1", "next"]);
    const [job] = await db.sql`select state, attempts, last_error from jobs where id = ${id}`;
    expect(job).toMatchObject({ state: "done", attempts: 1, last_error: "deferred: waiting for a status" });
  });

  test("a permanent error is dead-lettered at once; retryAfterMs is honoured", async () => {
    const db = getDb();
    const attempts: number[] = [];
    const { wake, stop } = await run({
      final: async () => {
        throw Object.assign(new Error("outside window"), { retryable: false });
      },
      later: async (job) => {
        attempts.push(Date.now());
        if (job.attempts === 1) throw Object.assign(new Error("429"), { retryAfterMs: 300 });
      },
    });
    await enqueue(db, wake, [{ kind: "final" }, { kind: "later" }]);
    await waitFor(async () => (await states(db, "final")).dead === 1 && (await states(db, "later")).done === 1);
    await stop();
    const [final] = await db.sql`select attempts from jobs where kind = 'final'`;
    expect(final.attempts).toBe(1);
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(280);
  });

  test("jobs of one key run one at a time and in order; other keys run alongside", async () => {
    const db = getDb();
    let running = 0;
    let maxRunningSameKey = 0;
    const active = new Map<string, number>();
    const { wake, stop } = await run({
      step: async (job) => {
        const key = job.key ?? "";
        active.set(key, (active.get(key) ?? 0) + 1);
        running++;
        maxRunningSameKey = Math.max(maxRunningSameKey, active.get(key) ?? 0);
        await db.sql`insert into test_order (job_id, key, seq) values (${job.id}, ${key}, ${(job.payload as { seq: number }).seq})`;
        await Bun.sleep(10);
        active.set(key, (active.get(key) ?? 1) - 1);
        running--;
      },
    });
    const jobs: NewJob[] = [];
    for (let seq = 0; seq < 8; seq++)
      for (const key of ["conv:a", "conv:b"]) jobs.push({ kind: "step", key, payload: { seq } });
    await enqueue(db, wake, jobs);
    await waitFor(async () => (await states(db, "step")).done === 16);
    await stop();
    expect(maxRunningSameKey).toBe(1);
    for (const key of ["conv:a", "conv:b"]) {
      const rows = await db.sql<{ seq: number }[]>`select seq from test_order where key = ${key} order by at`;
      expect(rows.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
  });

  test("a job whose worker process is killed with SIGKILL is retried and completes exactly once", async () => {
    const db = getDb();
    const victim = await spawnWorker(db, { XIN_TEST_HANG: "1", XIN_TEST_LEASE_MS: "1000" });
    const [id] = await enqueue(db, null, [{ kind: "effect" }]);
    await waitFor(async () => (await db.sql`select 1 from test_markers where job_id = ${id}`).count === 1);
    victim.kill("SIGKILL");
    await victim.exited;
    await spawnWorker(db, { XIN_TEST_LEASE_MS: "1000" });
    await waitFor(async () => (await db.sql`select state from jobs where id = ${id}`)[0].state === "done");
    const [job] = await db.sql`select attempts from jobs where id = ${id}`;
    expect(job.attempts).toBe(2);
    expect((await db.sql`select * from test_effects where job_id = ${id}`).count).toBe(1);
    expect((await db.sql`select distinct worker from test_markers where job_id = ${id}`).count).toBe(2);
  });

  test("two worker processes never run one key's jobs at the same time", async () => {
    const db = getDb();
    await spawnWorker(db);
    await spawnWorker(db);
    const jobs: NewJob[] = [];
    for (let i = 0; i < 12; i++) for (const key of ["k1", "k2", "k3"]) jobs.push({ kind: "record", key });
    await enqueue(db, null, jobs);
    await waitFor(async () => (await states(db, "record")).done === 36, 30_000);
    const runs = await db.sql<{ key: string; worker: number; started_ms: string; ended_ms: string }[]>`
      select key, worker, started_ms, ended_ms from test_runs order by key, started_ms`;
    expect(runs.length).toBe(36);
    expect(new Set(runs.map((r) => r.worker)).size).toBe(2); // both processes took part
    for (let i = 1; i < runs.length; i++) {
      if (runs[i].key !== runs[i - 1].key) continue;
      expect(Number(runs[i].started_ms)).toBeGreaterThanOrEqual(Number(runs[i - 1].ended_ms));
    }
  });
});
