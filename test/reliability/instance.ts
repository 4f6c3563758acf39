// One `xin serve` of the compiled binary, as an operator runs it, with a WhatsApp and a Telegram channel
// pointed at loopback fakes, that a test kills with SIGKILL and starts again on the same data dir.
import { join } from "node:path";
import { freePort, loneBinary, run, waitReady } from "../support/binary";
import { TG, WA } from "../support/gateway";

export type Channels = { whatsapp: string; telegram: string };

export class XinUnderTest {
  private proc: Bun.Subprocess<"ignore", "ignore", "pipe"> | null = null;
  readonly url: string;
  starts = 0;

  private constructor(
    readonly xin: string,
    readonly config: string,
    readonly port: number,
    readonly channels: Channels,
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
    const init = run(xin, ["init", "--yes", "--demo", "--data-dir", data, "--brand", "Shop", "--port", String(port), ...(databaseUrl ? ["--database-url", databaseUrl] : []), "--json"], { env });
    if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
    const add = (args: string[]) => {
      const r = run(xin, ["channel", "add", ...args, "--brand", "shop", "--config", config, "--json"], { env });
      if (r.code !== 0) throw new Error(`channel add failed: ${r.stderr}`);
      return JSON.parse(r.stdout).id as string;
    };
    const whatsapp = add(["whatsapp", "--phone-number-id", WA.phone_number_id, "--access-token", WA.access_token, "--app-secret", WA.app_secret, "--verify-token", WA.verify_token, "--api-base", apis.meta]);
    const telegram = add(["telegram", "--bot-token", TG.bot_token, "--secret-token", TG.secret_token, "--api-base", apis.telegram]);
    return new XinUnderTest(xin, config, port, { whatsapp, telegram });
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null;
  }

  async start(): Promise<void> {
    this.proc = Bun.spawn([this.xin, "serve", "--config", this.config], {
      env: { PATH: process.env.PATH ?? "", HOME: join(this.config, "../..") },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    });
    this.starts += 1;
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

  /** Jobs still queued or running (sampled by /metrics), or null while xin does not answer. */
  async openJobs(): Promise<number | null> {
    const text = await fetch(`${this.url}/metrics`).then((r) => (r.ok ? r.text() : null), () => null);
    if (text === null) return null;
    let open = 0;
    for (const line of text.split("\n")) {
      const m = /^xin_queue_jobs\{([^}]*)\} (\d+)/.exec(line);
      if (m && /state="(queued|running)"/.test(m[1])) open += Number(m[2]);
    }
    return open;
  }
}
