import { expect, test } from "bun:test";
import { describeStores, type TestDb } from "../../../test/support/db";
import { transaction } from "../db";
import { silentLogger } from "../log";
import { enqueueJobs, QueueRunner, Wake, type ClaimedJob, type HandOffTaker, type JobHandler, type NewJob } from ".";

const OPTIONS = {
  concurrency: 2,
  max_attempts: 3,
  backoff_base_ms: 5,
  backoff_max_ms: 20,
  lease_ms: 60_000,
  poll_interval_ms: 50,
};

const enqueue = (db: TestDb, wake: Wake, jobs: NewJob[]) =>
  transaction(db.db, (ctx) => enqueueJobs(ctx, wake, jobs, 3));

const waitFor = async (fn: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await Bun.sleep(10);
  }
};

/** A runner that has drained the queue once (hand-off starts only after a claim found no backlog). */
const idleRunner = async (db: TestDb, handlers: Record<string, JobHandler>, options = OPTIONS) => {
  const wake = new Wake();
  const runner = new QueueRunner(db.sql, handlers, options, wake, silentLogger);
  runner.start();
  await waitFor(
    () =>
      wake.reserveFor("__probe__") === null &&
      runner.tryReserve(Object.keys(handlers)[0]) &&
      (runner.unreserve(), true),
  );
  return { wake, runner, stop: () => runner.stop(Date.now() + 2000) };
};

describeStores("queue hand-off", (getDb) => {
  test("a job enqueued while a local runner has a free slot is written running under its lease and runs once after COMMIT", async () => {
    const db = getDb();
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { wake, runner, stop } = await idleRunner(db, {
      direct: async (job) => {
        seen.push(job.id);
        await gate;
      },
    });
    const committed = transaction(db.db, async (ctx) => {
      const [id] = await enqueueJobs(ctx, wake, [{ kind: "direct", payload: { n: 1 } }], 3);
      await Bun.sleep(50); // not started before the transaction commits
      expect(seen).toEqual([]);
      return id;
    });
    const id = await committed;
    await waitFor(() => seen.length === 1);
    const [row] =
      await db.sql`select state, attempts, locked_by, locked_until > now() as leased from jobs where id = ${id}`;
    expect(row).toEqual({ state: "running", attempts: 1, locked_by: runner.workerId, leased: true });
    release();
    await waitFor(async () => (await db.sql`select state from jobs where id = ${id}`)[0].state === "done");
    await stop();
    expect(seen).toEqual([id]);
  });

  test("a rolled-back enqueue hands nothing over and gives its slots back", async () => {
    const db = getDb();
    const seen: number[] = [];
    const { wake, stop } = await idleRunner(db, { rb: async (job) => void seen.push(job.id) });
    await transaction(db.db, async (ctx) => {
      await enqueueJobs(ctx, wake, [{ kind: "rb" }, { kind: "rb" }], 3);
      throw new Error("rollback");
    }).catch(() => {});
    expect((await db.sql`select id from jobs where kind = 'rb'`).count).toBe(0);
    // Both slots are free again: two new jobs are both handed over.
    const ids = await enqueue(db, wake, [{ kind: "rb" }, { kind: "rb" }]);
    await waitFor(() => seen.length === 2);
    await stop();
    expect(seen.sort()).toEqual([...ids].sort());
  });

  test("a keyed job is handed over only when no job of its key is open; the rest keep their order", async () => {
    const db = getDb();
    const order: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { wake, stop } = await idleRunner(
      db,
      {
        keyed: async (job) => {
          order.push((job.payload as { seq: number }).seq);
          if ((job.payload as { seq: number }).seq === 0) await gate;
        },
      },
      { ...OPTIONS, concurrency: 4 },
    );
    await enqueue(db, wake, [
      { kind: "keyed", key: "conv:k", payload: { seq: 0 } },
      { kind: "keyed", key: "conv:k", payload: { seq: 1 } },
    ]);
    await enqueue(db, wake, [{ kind: "keyed", key: "conv:k", payload: { seq: 2 } }]);
    const states = await db.sql`select payload->>'seq' as seq, state from jobs where kind = 'keyed' order by id`;
    expect(states.map((r) => [r.seq, r.state])).toEqual([
      ["0", "running"],
      ["1", "queued"],
      ["2", "queued"],
    ]);
    release();
    await waitFor(() => order.length === 3);
    await stop();
    expect(order).toEqual([0, 1, 2]);
  });

  test("a full runner queues newcomers, and the queued jobs run before later ones", async () => {
    const db = getDb();
    const order: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { wake, stop } = await idleRunner(
      db,
      {
        slow: async (job) => {
          order.push((job.payload as { seq: number }).seq);
          await gate;
        },
      },
      { ...OPTIONS, concurrency: 1 },
    );
    await enqueue(db, wake, [{ kind: "slow", payload: { seq: 0 } }]); // takes the only slot
    await enqueue(db, wake, [{ kind: "slow", payload: { seq: 1 } }]); // queued: the runner is full
    const [second] = await db.sql`select state from jobs where kind = 'slow' and payload->>'seq' = '1'`;
    expect(second.state).toBe("queued");
    // The slot frees while seq 1 waits in the queue: seq 2, enqueued in that gap, must queue behind it.
    release();
    await enqueue(db, wake, [{ kind: "slow", payload: { seq: 2 } }]);
    await waitFor(() => order.length === 3);
    await stop();
    expect(order).toEqual([0, 1, 2]);
  });

  test("a handed-over job whose worker never runs it is taken over when its lease expires, and done once", async () => {
    const db = getDb();
    // A taker that accepts jobs and then "dies": it never runs what it adopted.
    const dead: HandOffTaker & { adopted: ClaimedJob[] } = {
      workerId: "wrk_dead",
      leaseMs: 300,
      adopted: [],
      tryReserve: (kind) => kind === "orphan",
      unreserve: () => {},
      adopt(job) {
        this.adopted.push(job);
      },
    };
    const wake = new Wake();
    wake.attach(dead);
    const [id] = await enqueue(db, wake, [{ kind: "orphan" }]);
    expect(dead.adopted.map((j) => j.id)).toEqual([id]);
    const runs: number[] = [];
    const survivor = new QueueRunner(
      db.sql,
      { orphan: async (job) => void runs.push(job.attempts) },
      { ...OPTIONS, poll_interval_ms: 50 },
      new Wake(),
      silentLogger,
    );
    survivor.start();
    await waitFor(async () => (await db.sql`select state from jobs where id = ${id}`)[0].state === "done");
    await survivor.stop(Date.now() + 2000);
    expect(runs).toEqual([2]);
  });

  test("a job handed to a runner that began draining before the COMMIT goes back to the queue, its attempt not counted", async () => {
    const db = getDb();
    const seen: number[] = [];
    const { wake, runner } = await idleRunner(db, { late: async (job) => void seen.push(job.id) });
    let stopping: Promise<void> | null = null;
    const id = await transaction(db.db, async (ctx) => {
      const [jobId] = await enqueueJobs(ctx, wake, [{ kind: "late" }], 3);
      stopping = runner.stop(Date.now() + 2000); // the drain starts while the transaction is still open
      return jobId;
    });
    await stopping;
    await waitFor(async () => (await db.sql`select state from jobs where id = ${id}`)[0].state === "queued");
    const [row] = await db.sql`select attempts, lease_token from jobs where id = ${id}`;
    expect(row).toEqual({ attempts: 0, lease_token: null });
    expect(seen).toEqual([]);
  });
});
