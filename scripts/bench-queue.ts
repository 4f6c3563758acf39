// Queue and appliance benchmark (issue 3). Prints JSON; BENCH.md records the figures.
//   bun scripts/bench-queue.ts [--jobs N]
// - raw single-row insert rate (autocommit, 1 connection) on each store: the baseline of the same run
// - jobs/s enqueued + completed by a QueueRunner (no-op handler, concurrency 8): one job per
//   transaction, and batches of 50 per transaction; producer and runner run at the same time
// - `xin serve` time to /readyz on an existing instance, binary size, idle memory of xin + PostgreSQL
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EmbeddedPostgres,
  migrate,
  migrations,
  openClient,
  serviceIds,
  transaction,
  type StoreClient,
} from "../src/runtime/db";
import { enqueueJobs, QueueRunner, Wake } from "../src/runtime/queue";
import { silentLogger } from "../src/runtime";
import { startExternalPostgres } from "../test/support/external-postgres";
import { freePort, loneBinary, run, serve } from "../test/support/binary";

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const N = Number(arg("--jobs")) || 4000;
/** `--only embedded|external|appliance` runs one part. */
const only = arg("--only");
const part = (name: string) => !only || only === name;
const OPTIONS = {
  concurrency: 8,
  max_attempts: 3,
  backoff_base_ms: 100,
  backoff_max_ms: 1000,
  lease_ms: 60_000,
  poll_interval_ms: 1000,
};

const rawInsertRate = async (c: StoreClient, rows: number) => {
  await c.sql`create table if not exists bench_raw (id bigserial primary key, v text)`;
  const t0 = performance.now();
  for (let i = 0; i < rows; i++) await c.sql`insert into bench_raw (v) values (${"x"})`;
  return rows / ((performance.now() - t0) / 1000);
};

const jobRate = async (c: StoreClient, jobs: number, batch: number) => {
  await c.sql`delete from jobs`;
  const wake = new Wake();
  await wake.listen(c.sql, silentLogger);
  const runner = new QueueRunner(c.sql, { noop: async () => {} }, OPTIONS, wake, silentLogger);
  runner.start();
  const t0 = performance.now();
  for (let i = 0; i < jobs; i += batch) {
    const items = Array.from({ length: Math.min(batch, jobs - i) }, (_, k) => ({
      kind: "noop",
      payload: { n: i + k },
    }));
    await transaction(c.db, (ctx) => enqueueJobs(ctx, wake, items, 3));
  }
  const enqueued = performance.now();
  for (;;) {
    const [row] = await c.sql`select count(*)::int as n from jobs where state = 'done'`;
    if (row.n >= jobs) break;
    await Bun.sleep(5);
  }
  const done = performance.now();
  await runner.stop(Date.now() + 2000);
  await wake.close();
  return {
    jobs_per_s: Math.round(jobs / ((done - t0) / 1000)),
    enqueue_per_s: Math.round(jobs / ((enqueued - t0) / 1000)),
  };
};

const benchStore = async (name: string, c: StoreClient) => {
  await migrate(c.sql, migrations);
  const raw = await rawInsertRate(c, Math.min(N, 3000));
  const single = await jobRate(c, N, 1);
  const batched = await jobRate(c, N * 5, 50);
  return {
    store: name,
    raw_insert_per_s: Math.round(raw),
    jobs_single_tx: single,
    jobs_batched_50: batched,
    single_vs_raw: +(single.jobs_per_s / raw).toFixed(2),
    batched_vs_raw: +(batched.jobs_per_s / raw).toFixed(2),
  };
};

const pss = (pid: number): number => {
  try {
    const m = /Pss:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};
const rss = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
};
const postgresPids = (dataDir: string): number[] =>
  readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        const exe = readFileSync(`/proc/${pid}/stat`, "utf8");
        return (
          cmd.includes(dataDir) ||
          (exe.includes("(postgres)") &&
            readFileSync(`/proc/${pid}/environ`, "utf8").length >= 0 &&
            isChildOf(pid, dataDir))
        );
      } catch {
        return false;
      }
    });
const isChildOf = (pid: number, dataDir: string): boolean => {
  const ppid = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]);
  try {
    return readFileSync(`/proc/${ppid}/cmdline`, "utf8").includes(dataDir);
  } catch {
    return false;
  }
};
const MiB = (b: number) => +(b / 1024 / 1024).toFixed(1);

const appliance = async () => {
  const { dir, xin } = await loneBinary();
  const port = freePort();
  const dataDir = join(dir, "data");
  run(xin, ["init", "--yes", "--data-dir", dataDir, "--port", String(port)]);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const s = await serve(xin, join(dataDir, "xin.toml"), port);
    times.push(performance.now() - t0);
    if (i < 4) await s.stop();
    else {
      await Bun.sleep(5000); // idle
      const pg = postgresPids(join(dataDir, "pg"));
      const memory = {
        xin_rss_mib: MiB(rss(s.proc.pid)),
        postgres_pss_mib: MiB(pg.reduce((a, p) => a + pss(p), 0)),
        postgres_processes: pg.length,
      };
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
      times.sort((a, b) => a - b);
      return {
        serve_to_readyz_ms: { median: Math.round(times[2]), min: Math.round(times[0]), max: Math.round(times[4]) },
        binary_mib: MiB(statSync(join(import.meta.dir, "../dist/xin")).size),
        idle_memory: { ...memory, total_mib: +(memory.xin_rss_mib + memory.postgres_pss_mib).toFixed(1) },
      };
    }
  }
  throw new Error("unreachable");
};

const results: Record<string, unknown> = { jobs: N, cores: navigator.hardwareConcurrency };
if (part("embedded")) {
  const dir = mkdtempSync(join(tmpdir(), "xin-bench-"));
  chmodSync(dir, 0o755);
  serviceIds({ create: true });
  const pg = new EmbeddedPostgres(dir, silentLogger);
  await pg.start();
  const c = openClient({ socketDir: pg.layout.sockDir, user: pg.user, database: "xin" }, { max: 10 });
  results.embedded = await benchStore("embedded PostgreSQL 18 (unix socket, fsync on)", c);
  await c.close();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (part("external")) {
  const ext = await startExternalPostgres({ durable: true });
  const c = openClient({ url: ext.url }, { max: 10 });
  results.external = await benchStore("external PostgreSQL 15 (TCP loopback, fsync on)", c);
  await c.close();
  await ext.stop();
}
if (part("appliance")) results.appliance = await appliance();
console.log(JSON.stringify(results, null, 2));
