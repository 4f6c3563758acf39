// One `xin serve` of the compiled binary, as an operator runs it, with a WhatsApp and a Telegram channel
// pointed at loopback fakes, that a test kills with SIGKILL and starts again on the same data dir.
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { serviceIds } from "../../src/runtime/db";
import { freePort, loneBinary, run, runAsync, waitReady } from "../support/binary";
import { TG, WA } from "../support/gateway";

export type Channels = { whatsapp: string; telegram: string };

export class XinUnderTest {
  private proc: Bun.Subprocess<"ignore", number, number> | null = null;
  readonly url: string;
  starts = 0;
  /** Extra environment of every `serve` (config overrides such as `XIN_QUEUE__PURGE_SCHEDULE`). */
  env: Record<string, string> = {};

  private constructor(
    readonly xin: string,
    readonly config: string,
    readonly port: number,
    readonly channels: Channels,
    readonly databaseUrl?: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** `xin init --demo` (the demo brand answers its shop questions from knowledge), then both channels. */
  static async create(apis: { meta: string; telegram: string }, databaseUrl?: string): Promise<XinUnderTest> {
    const { dir, xin } = await loneBinary();
    const port = freePort();
    const data = join(dir, "data");
    const config = join(data, "xin.toml");
    const env = { HOME: dir };
    const init = run(
      xin,
      [
        "init",
        "--yes",
        "--demo",
        "--data-dir",
        data,
        "--brand",
        "Shop",
        "--port",
        String(port),
        ...(databaseUrl ? ["--database-url", databaseUrl] : []),
        "--json",
      ],
      { env },
    );
    if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
    const x = new XinUnderTest(xin, config, port, { whatsapp: "", telegram: "" }, databaseUrl);
    const whatsapp = (
      await x.addChannel([
        "whatsapp",
        "--phone-number-id",
        WA.phone_number_id,
        "--access-token",
        WA.access_token,
        "--app-secret",
        WA.app_secret,
        "--verify-token",
        WA.verify_token,
        "--api-base",
        apis.meta,
      ])
    ).id;
    const telegram = (
      await x.addChannel([
        "telegram",
        "--bot-token",
        TG.bot_token,
        "--secret-token",
        TG.secret_token,
        "--api-base",
        apis.telegram,
      ])
    ).id;
    Object.assign(x.channels, { whatsapp, telegram });
    return x;
  }

  /**
   * A second instance on the same external store, set up as an operator sets up a second server: the
   * binary in its own folder, this instance's xin.toml (its own data dir and port) and xin.env (the same
   * instance key, admin token and database URL) copied over, and its instance-id if it has one. Brands, channels and knowledge are in the
   * database already: nothing is initialised again.
   */
  async twin(): Promise<XinUnderTest> {
    if (!this.databaseUrl) throw new Error("twin: only an instance on an external store can have a twin");
    const { dir, xin } = await loneBinary();
    const port = freePort();
    const data = join(dir, "data");
    mkdirSync(data, { mode: 0o750 });
    const from = join(this.config, "..");
    const toml = readFileSync(this.config, "utf8")
      .replace(/^data_dir = .*$/m, `data_dir = ${JSON.stringify(data)}`)
      .replace(/^port = \d+$/m, `port = ${port}`);
    const config = join(data, "xin.toml");
    writeFileSync(config, toml);
    copyFileSync(join(from, "xin.env"), join(data, "xin.env"));
    chmodSync(join(data, "xin.env"), 0o600);
    // As `cp -a` of a stopped data dir would: xin must give the copy its own owner id.
    if (existsSync(join(from, "instance-id"))) copyFileSync(join(from, "instance-id"), join(data, "instance-id"));
    const twin = new XinUnderTest(xin, config, port, this.channels, this.databaseUrl);
    twin.env = { ...this.env };
    return twin;
  }

  /**
   * A channel on the demo brand (`xin channel add <args> --brand shop`): its id and brand id. The
   * process must not be running (the CLI then writes the store directly, as an operator would). The
   * CLI checks the credentials with the provider — the test's fake, which must have accepted them.
   */
  async addChannel(args: string[]): Promise<{ id: string; brandId: string }> {
    const r = await runAsync(
      this.xin,
      ["channel", "add", ...args, "--brand", "shop", "--config", this.config, "--json"],
      { env: { HOME: join(this.config, "../..") } },
    );
    if (r.code !== 0) throw new Error(`channel add failed: ${r.stderr}`);
    const added = JSON.parse(r.stdout) as { id: string; brand_id: string; verified?: string; connect?: string | null };
    // Reached and accepted: before the CLI ran without blocking this process, every check timed out.
    for (const said of [added.verified, added.connect])
      if (said && /^(not verified|REFUSED|could not reach)/.test(said))
        throw new Error(`channel add ${args[0]}: ${said}`);
    return { id: added.id, brandId: added.brand_id };
  }

  /**
   * SIGKILL of the embedded PostgreSQL's postmaster (its pid is the first line of postmaster.pid): xin
   * keeps running, and its supervisor is what must bring the store back.
   */
  killEmbeddedStore(): void {
    const pid = Number(readFileSync(join(this.config, "../pg/postmaster.pid"), "utf8").split("\n")[0]);
    if (!Number.isInteger(pid) || pid <= 1) throw new Error("embedded PostgreSQL: no postmaster pid");
    process.kill(pid, "SIGKILL");
  }

  /** Whether xin reports itself ready (store reachable): `/readyz` answers 200. */
  async ready(): Promise<boolean> {
    return fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => (r.arrayBuffer(), r.ok),
      () => false,
    );
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null;
  }

  /** Each run's log (JSON lines, and anything on stderr): `<data dir>/serve-<n>.log`. */
  logFile(n = this.starts): string {
    return join(this.config, `../serve-${n}.log`);
  }

  async start(): Promise<void> {
    this.starts += 1;
    const log = openSync(this.logFile(), "w");
    this.proc = Bun.spawn([this.xin, "serve", "--config", this.config], {
      env: { PATH: process.env.PATH ?? "", HOME: join(this.config, "../.."), ...this.env },
      stdin: "ignore",
      stdout: log,
      stderr: log,
    });
    closeSync(log);
    await waitReady(this.url, this.proc, 60_000);
  }

  /** SIGKILL, as `kill -9` or the OOM killer: no drain, no cleanup, the embedded PostgreSQL left running. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    proc.kill("SIGKILL");
    await proc.exited;
  }

  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill("SIGTERM");
    await this.proc.exited;
  }

  /**
   * Where the customers' messages stand in xin's store (for a run that left some unanswered): their
   * inbound rows, replies and the jobs of their conversations, grouped.
   */
  async diagnose(externalIds: string[]): Promise<Record<string, number>> {
    const sql = this.databaseUrl
      ? postgres(this.databaseUrl, { max: 1, onnotice: () => {} })
      : postgres({
          host: join(this.config, "../run"),
          port: 5432,
          username: serviceIds({ create: false })?.name ?? (process.env.USER || "postgres"),
          database: "xin",
          max: 1,
          onnotice: () => {},
        });
    try {
      const rows = await sql<{ what: string; n: number }[]>`
        with k as (select k.external_id, c.id as conversation_id, c.status from contacts k left join conversations c on c.contact_id = k.id where k.external_id = any(${externalIds}))
        select concat_ws(' ', 'conversation=' || coalesce(k.status, 'none'),
          'in=' || (select count(*) from messages m where m.conversation_id = k.conversation_id and m.direction = 'in'),
          'out=' || coalesce((select string_agg(m.status || coalesce('/' || m.error_code, ''), ',') from messages m where m.conversation_id = k.conversation_id and m.direction = 'out'), '-'),
          'jobs=' || coalesce((select string_agg(j.kind || ':' || j.state || ':' || j.attempts || coalesce(':' || left(j.last_error, 60), ''), ',') from jobs j where j.key = 'conv:' || k.conversation_id), '-')) as what,
          count(*)::int as n
        from k group by 1 order by 2 desc`;
      return Object.fromEntries(rows.map((r) => [r.what, r.n]));
    } finally {
      await sql.end();
    }
  }

  /** Jobs still queued or running (sampled by /metrics), or null while xin does not answer. */
  async openJobs(): Promise<number | null> {
    const text = await fetch(`${this.url}/metrics`).then(
      (r) => (r.ok ? r.text() : null),
      () => null,
    );
    if (text === null) return null;
    let open = 0;
    for (const line of text.split("\n")) {
      const m = /^xin_queue_jobs\{([^}]*)\} (\d+)/.exec(line);
      if (m && /state="(queued|running)"/.test(m[1])) open += Number(m[2]);
    }
    return open;
  }

  /** What the store holds at the end: outbound messages by status, and jobs by `kind:state`. */
  async storeTally(): Promise<{ outbound: Record<string, number>; jobs: Record<string, number> }> {
    const sql = this.databaseUrl
      ? postgres(this.databaseUrl, { max: 1, onnotice: () => {} })
      : postgres({
          host: join(this.config, "../run"),
          port: 5432,
          username: serviceIds({ create: false })?.name ?? (process.env.USER || "postgres"),
          database: "xin",
          max: 1,
          onnotice: () => {},
        });
    try {
      const outbound = await sql<
        { k: string; n: number }[]
      >`select status as k, count(*)::int as n from messages where direction = 'out' group by 1`;
      const jobs = await sql<
        { k: string; n: number }[]
      >`select kind || ':' || state as k, count(*)::int as n from jobs group by 1`;
      const asRecord = (rows: { k: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.k, r.n]));
      return { outbound: asRecord(outbound), jobs: asRecord(jobs) };
    } finally {
      await sql.end();
    }
  }
}
