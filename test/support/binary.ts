// Runs the compiled executable the way a user does: copied alone into an empty folder.
import { chmodSync, copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
export const BINARY = join(root, "dist/xin");

/** dist/xin, built now when missing (npm test builds it first). */
export const ensureBinary = async (): Promise<string> => {
  if (!existsSync(BINARY)) {
    const { build } = await import("../../scripts/build");
    await build();
  }
  return BINARY;
};

export const freePort = (): number => {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
};

/** An empty folder (traversable by the service user) holding only a copy of the binary. */
export const loneBinary = async (): Promise<{ dir: string; xin: string }> => {
  const dir = mkdtempSync(join(tmpdir(), "xin-e2e-"));
  chmodSync(dir, 0o755);
  const xin = join(dir, "xin");
  copyFileSync(await ensureBinary(), xin);
  chmodSync(xin, 0o755);
  return { dir, xin };
};

export type RunResult = { code: number; stdout: string; stderr: string };

export const run = (
  xin: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): RunResult => {
  const r = Bun.spawnSync([xin, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...options.env },
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
};

/**
 * `run` without blocking the test's event loop: for commands that call back into the test process —
 * `channel add` checks the credentials against the provider, here an in-process fake that could not
 * answer while `spawnSync` waits (each check then ran into its 20 s timeout).
 */
export const runAsync = async (
  xin: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<RunResult> => {
  const p = Bun.spawn([xin, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...options.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
};

export type Serving = {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  port: number;
  url: string;
  stop(): Promise<number>;
};

/** Starts `xin serve` and waits until /readyz answers 200 (or the process exits). */
export const serve = async (
  xin: string,
  config: string,
  port: number,
  env: Record<string, string> = {},
): Promise<Serving> => {
  const proc = Bun.spawn([xin, "serve", "--config", config], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, proc);
  return {
    proc,
    port,
    url,
    stop: async () => {
      proc.kill("SIGTERM");
      return proc.exited;
    },
  };
};

export const waitReady = async (url: string, proc?: Bun.Subprocess, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) {
      const err = proc.stderr instanceof ReadableStream ? await new Response(proc.stderr).text() : "";
      throw new Error(`xin serve exited with ${proc.exitCode}: ${err}`);
    }
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await Bun.sleep(25);
  }
  throw new Error(`${url}/readyz never answered 200`);
};
