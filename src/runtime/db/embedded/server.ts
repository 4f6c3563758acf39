import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { XinError } from "../../errors";
import type { Logger } from "../../log";
import { clearPostmaster, readPostmaster } from "./postmaster";
import { assertReachable, serviceIds, type ServiceIds } from "./service-user";
import { ensurePostgresRuntime } from "./unpack";

export const EMBEDDED_DATABASE = "xin";
const SOCKET_NAME = ".s.PGSQL.5432";
const MAX_SOCKET_PATH = 107;

export type EmbeddedLayout = { dataDir: string; pgdata: string; sockDir: string; logFile: string };

export const embeddedLayout = (dataDir: string): EmbeddedLayout => ({
  dataDir,
  pgdata: join(dataDir, "pg"),
  sockDir: join(dataDir, "run"),
  logFile: join(dataDir, "postgres.log"),
});

const SETTINGS = [
  "listen_addresses=", // unix socket only: no TCP port, nothing to clash with
  "unix_socket_permissions=0700",
  "shared_buffers=32MB",
  "max_connections=60",
  "io_method=sync", // no io worker processes: smaller idle footprint
  "fsync=on",
  "synchronous_commit=on",
  // After a crash PostgreSQL makes the data dir durable before redo; fsync'ing it file by file took
  // 4+ s on a busy disk, syncfs (Linux) is one call with the same guarantee for this file system.
  "recovery_init_sync_method=syncfs",
  "log_min_messages=warning",
];

const spawnIds = (ids: ServiceIds) => (ids ? { uid: ids.uid, gid: ids.gid } : {});

/**
 * The PostgreSQL server xin carries: unpacked into the data dir, initialised once, run as a supervised
 * child process as the unprivileged service user, unix socket only, fsync on.
 *
 * Guarantees: `start` returns once the server accepts connections on its socket and the `xin` database
 * exists; if the server dies while running it is restarted (`onRestart` is told); `stop` is a fast,
 * clean shutdown (SIGINT) and is idempotent. The caller must hold the instance lock for the data dir,
 * because `start` stops an orphaned server it finds serving that dir.
 */
export class EmbeddedPostgres {
  readonly layout: EmbeddedLayout;
  private process: Subprocess | null = null;
  private stopping = false;
  private restarts = 0;
  private launchedAt = 0;
  private ids: ServiceIds = null;
  private runtimeDir = "";

  constructor(
    dataDir: string,
    private readonly log: Logger,
    private readonly onRestart?: () => void,
  ) {
    this.layout = embeddedLayout(dataDir);
  }

  get user(): string {
    return this.ids?.name ?? (process.env.USER || "postgres");
  }

  get pid(): number | null {
    return this.process?.pid ?? null;
  }

  async start(): Promise<void> {
    const { dataDir, pgdata, sockDir } = this.layout;
    if (join(sockDir, SOCKET_NAME).length > MAX_SOCKET_PATH) {
      throw new XinError(
        "store.path_too_long",
        `the data dir path is too long for PostgreSQL's socket (${join(sockDir, SOCKET_NAME).length} > ${MAX_SOCKET_PATH} bytes)`,
        {
          hint: "choose a shorter data dir path, e.g. /var/lib/xin",
        },
      );
    }
    this.ids = serviceIds({ create: false });
    assertReachable(dataDir, this.ids);
    this.runtimeDir = await ensurePostgresRuntime(dataDir);
    this.prepareDirs();
    if (!existsSync(join(pgdata, "PG_VERSION"))) this.initdb();
    await this.launch();
  }

  private prepareDirs() {
    const { dataDir, sockDir } = this.layout;
    mkdirSync(sockDir, { recursive: true });
    chmodSync(sockDir, 0o700);
    if (this.ids) {
      chownSync(dataDir, this.ids.uid, this.ids.gid);
      chownSync(sockDir, this.ids.uid, this.ids.gid);
    }
  }

  private initdb() {
    const { dataDir, pgdata } = this.layout;
    const tmp = `${pgdata}.init`; // initialised aside, then renamed: never a half-made cluster
    rmSync(tmp, { recursive: true, force: true });
    const result = Bun.spawnSync(
      [join(this.runtimeDir, "bin/initdb"), "-D", tmp, "-U", this.user, "--auth=trust", "-E", "UTF8", "--locale=C"],
      { ...spawnIds(this.ids), cwd: dataDir, stdout: "pipe", stderr: "pipe" },
    );
    if (result.exitCode !== 0) {
      throw new XinError(
        "store.initdb_failed",
        `initdb failed: ${result.stderr.toString().trim().split("\n").at(-1)}`,
        {
          hint: `check that ${dataDir} is writable by ${this.user}`,
        },
      );
    }
    renameSync(tmp, pgdata);
  }

  private async launch(): Promise<void> {
    const { dataDir, pgdata, sockDir, logFile } = this.layout;
    const cleared = await clearPostmaster(pgdata, sockDir);
    if (cleared !== "none") this.log.warn("embedded store recovered", { action: cleared });
    const args = [
      join(this.runtimeDir, "bin/postgres"),
      "-D",
      pgdata,
      "-k",
      sockDir,
      ...SETTINGS.flatMap((s) => ["-c", s]),
    ];
    const fd = openSync(logFile, "a"); // a file, not a pipe: the server must not die with a full pipe
    if (this.ids) chownSync(logFile, this.ids.uid, this.ids.gid);
    const child = Bun.spawn(args, {
      ...spawnIds(this.ids),
      cwd: dataDir,
      stdin: "ignore",
      stdout: fd,
      stderr: fd,
      detached: true,
    });
    closeSync(fd);
    this.process = child;
    this.stopping = false;
    this.launchedAt = Date.now();
    await this.waitReady(child);
    await this.ensureDatabase();
    void child.exited.then((code) => this.onExit(child, code));
  }

  private async waitReady(child: Subprocess) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new XinError(
          "store.start_failed",
          `the embedded PostgreSQL exited during start (code ${child.exitCode}): ${this.lastLogLine()}`,
          {
            hint: `see ${this.layout.logFile}`,
          },
        );
      }
      const info = readPostmaster(this.layout.pgdata);
      if (info?.pid === child.pid && info.status === "ready") return;
      await Bun.sleep(5);
    }
    throw new XinError("store.start_timeout", "the embedded PostgreSQL did not become ready within 60 s", {
      hint: `see ${this.layout.logFile}`,
    });
  }

  private async ensureDatabase() {
    const { default: postgres } = await import("postgres");
    const sql = postgres({
      host: this.layout.sockDir,
      port: 5432,
      username: this.user,
      database: "postgres",
      max: 1,
      onnotice: () => {},
    });
    try {
      const [row] = await sql`select 1 as ok from pg_database where datname = ${EMBEDDED_DATABASE}`;
      if (!row) await sql.unsafe(`create database ${EMBEDDED_DATABASE}`);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }

  private lastLogLine(): string {
    try {
      return readFileSync(this.layout.logFile, "utf8").trim().split("\n").at(-1) ?? "";
    } catch {
      return "";
    }
  }

  private async onExit(child: Subprocess, code: number | null) {
    if (this.stopping || this.process !== child) return;
    this.log.error("embedded store exited, restarting", { exit_code: code, last_log: this.lastLogLine() });
    // The backoff is for a server that keeps dying; one that served for a while starts from scratch
    // (without this, the ninth crash of a long-lived instance waited 25 s for its restart).
    if (Date.now() - this.launchedAt > STABLE_UPTIME_MS) this.restarts = 0;
    while (!this.stopping) {
      this.restarts += 1;
      const delay = restartDelayMs(this.restarts);
      await Bun.sleep(delay);
      if (this.stopping) return;
      try {
        await this.launch();
        this.log.info("embedded store restarted", { pid: this.process?.pid, restarts: this.restarts });
        this.onRestart?.();
        return;
      } catch (e) {
        this.log.error("embedded store restart failed", { err: (e as Error).message, retrying_in_ms: delay * 2 });
      }
    }
  }

  /** Fast shutdown (SIGINT: abort open transactions, checkpoint, exit). Idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await child.exited;
    clearTimeout(timer);
  }
}

/** A server up this long before it died counts as healthy: its restart is not delayed by old crashes. */
const STABLE_UPTIME_MS = 60_000;

/** The wait before restart `n` (1-based) of a server that keeps dying: 200 ms, doubling, capped at 30 s. */
export const restartDelayMs = (n: number): number => Math.min(30_000, 100 * 2 ** Math.min(Math.max(n, 1), 9));
