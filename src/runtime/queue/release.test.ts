// A restarted instance takes back its own dead jobs at once: the data dir's lock proves the previous
// process of that dir is gone, and its leases carry the dir's owner id.
import { afterEach, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStores, type TestDb } from "../../../test/support/db";
import { releaseDeadOwners } from ".";
import { MAX_CRASH_RELEASES } from "./claim";

const WORKER = join(import.meta.dir, "../../../test/support/queue-worker.ts");

const children: Bun.Subprocess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

/** A worker process started like `xin serve` on `dataDir`; resolves once it has released and started. */
const spawnWorker = async (db: TestDb, dataDir: string, env: Record<string, string> = {}) => {
  const child = Bun.spawn([process.execPath, WORKER], {
    env: {
      ...process.env,
      XIN_TEST_TARGET: JSON.stringify(db.target),
      XIN_TEST_DATA_DIR: dataDir,
      XIN_TEST_LEASE_MS: "60000",
      ...env,
    },
    stdout: "pipe",
    stderr: "inherit",
  });
  children.push(child);
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  expect(new TextDecoder().decode(value)).toContain("ready");
  return child;
};

const waitFor = async (fn: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await Bun.sleep(20);
  }
};

describeStores("queue: release of a dead instance's jobs", (getDb) => {
  beforeAll(async () => {
    const db = getDb();
    await db.sql`create table test_markers (job_id bigint, worker int)`;
    await db.sql`create table test_effects (job_id bigint unique)`;
  });

  const running = async (lockedBy: string, attempts = 1, maxAttempts = 3) => {
    const [row] = await getDb().sql<{ id: number }[]>`
      insert into jobs (kind, payload, state, attempts, max_attempts, lease_token, locked_by, locked_until)
      values ('other', '{}', 'running', ${attempts}, ${maxAttempts}, ${crypto.randomUUID()}, ${lockedBy}, now() + interval '1 hour')
      returning id::int as id`;
    return row.id;
  };
  const stateOf = async (id: number) =>
    (await getDb().sql`select state, locked_by, attempts, crashes, last_error from jobs where id = ${id}`)[0];

  test("an owner's jobs return to the queue without using an attempt (dead after too many crashes); other instances' leases stand", async () => {
    const mine = await running("inst_aaaaaaaaaaaaaaaaaaaaaa/wrk_1");
    const spent = await running("inst_aaaaaaaaaaaaaaaaaaaaaa/wrk_1", 3, 3);
    const poison = await running("inst_aaaaaaaaaaaaaaaaaaaaaa/wrk_1");
    await getDb().sql`update jobs set crashes = ${MAX_CRASH_RELEASES - 1} where id = ${poison}`;
    const theirs = await running("inst_bbbbbbbbbbbbbbbbbbbbbb/wrk_2");
    const lookalike = await running("inst_aaaaaaaaaaaaaaaaaaaaaab/wrk_3"); // a prefix of the id, not the owner
    expect(await releaseDeadOwners(getDb().sql, { owner: "inst_aaaaaaaaaaaaaaaaaaaaaa" })).toBe(3);
    expect(await stateOf(mine)).toMatchObject({
      state: "queued",
      locked_by: null,
      attempts: 0,
      crashes: 1,
      last_error: expect.stringContaining("released at start"),
    });
    // Its last attempt was cut short by the crash, not used: the job gets it again.
    expect(await stateOf(spent)).toMatchObject({ state: "queued", attempts: 2, crashes: 1 });
    expect(await stateOf(poison)).toMatchObject({ state: "dead", crashes: MAX_CRASH_RELEASES });
    expect(await stateOf(theirs)).toMatchObject({ state: "running", locked_by: "inst_bbbbbbbbbbbbbbbbbbbbbb/wrk_2" });
    expect((await stateOf(lookalike)).state).toBe("running");
    // The embedded store's scope: no other process can use it, so every running job is dead.
    expect(await releaseDeadOwners(getDb().sql, { all: true })).toBe(2);
    expect((await stateOf(theirs)).state).toBe("queued");
    expect((await stateOf(lookalike)).state).toBe("queued");
  });

  test("a killed instance restarted on the same data dir runs its job at once, not after the 60 s lease; another dir leaves it alone", async () => {
    const db = getDb();
    const dirA = mkdtempSync(join(tmpdir(), "xin-instance-a-"));
    const dirB = mkdtempSync(join(tmpdir(), "xin-instance-b-"));
    const victim = await spawnWorker(db, dirA, { XIN_TEST_HANG: "1" });
    const [{ id }] = await db.sql<
      { id: number }[]
    >`insert into jobs (kind, payload, max_attempts) values ('effect', '{}', 5) returning id::int as id`;
    await waitFor(async () => (await db.sql`select 1 from test_markers where job_id = ${id}`).count === 1);
    victim.kill("SIGKILL");
    await victim.exited;
    // Another instance (its own data dir) has no proof that the victim is gone: the lease stands.
    await spawnWorker(db, dirB);
    expect((await stateOf(id)).state).toBe("running");
    await spawnWorker(db, dirA);
    await waitFor(async () => (await stateOf(id)).state === "done");
    expect((await db.sql`select attempts, crashes from jobs where id = ${id}`)[0]).toEqual({ attempts: 1, crashes: 1 });
    expect((await db.sql`select * from test_effects where job_id = ${id}`).count).toBe(1);
  });
});
