// A worker process for queue tests: runs a QueueRunner against the database in XIN_TEST_TARGET until
// killed or SIGTERM. Handlers write what they did into test tables the test reads back.
import { sql as dsql } from "drizzle-orm";
import { openClient, transaction, type StoreTarget } from "../../src/runtime/db";
import { QueueRunner, releaseDeadOwners, Wake, type JobHandler } from "../../src/runtime/queue";
import { silentLogger } from "../../src/runtime";
import { claimInstance } from "../../src/runtime/instance-claim";

const target = JSON.parse(process.env.XIN_TEST_TARGET ?? "") as StoreTarget;
const leaseMs = Number(process.env.XIN_TEST_LEASE_MS ?? 60_000);
const hang = process.env.XIN_TEST_HANG === "1";
const client = openClient(target, { max: 6 });

const handlers: Record<string, JobHandler> = {
  // Records its run interval per key; the test checks that no two runs of one key overlap.
  record: async (job) => {
    const started = Date.now();
    await Bun.sleep(15 + Math.floor(Math.random() * 15));
    await client.sql`insert into test_runs (job_id, key, worker, started_ms, ended_ms)
      values (${job.id}, ${job.key}, ${process.pid}, ${started}, ${Date.now()})`;
  },
  // Marks that it started; then either hangs (to be killed) or commits its effect with the completion.
  effect: async (job, ctx) => {
    await client.sql`insert into test_markers (job_id, worker) values (${job.id}, ${process.pid})`;
    if (hang) await Bun.sleep(3_600_000);
    await transaction(client.db, async (tx) => {
      await tx.tx.execute(dsql`insert into test_effects (job_id) values (${job.id})`);
      await ctx.completeIn(tx);
    });
  },
};

// With a data dir, start like `xin serve` on an external store: take the dir's lock and, holding it,
// release what this dir's previous process was running.
const dataDir = process.env.XIN_TEST_DATA_DIR;
const claim = dataDir ? claimInstance(dataDir, "serve", { required: false }) : null;
if (claim?.owner) await releaseDeadOwners(client.sql, { owner: claim.owner });

const wake = new Wake();
await wake.listen(client.sql, silentLogger);
const runner = new QueueRunner(
  client.sql,
  handlers,
  {
    concurrency: 4,
    max_attempts: 5,
    backoff_base_ms: 10,
    backoff_max_ms: 50,
    lease_ms: leaseMs,
    poll_interval_ms: 100,
  },
  wake,
  silentLogger,
  undefined,
  claim?.owner,
);
runner.start();
process.stdout.write("ready\n");
process.on("SIGTERM", async () => {
  await runner.stop(Date.now() + 2000);
  await wake.close();
  await client.close();
  claim?.release();
  process.exit(0);
});
