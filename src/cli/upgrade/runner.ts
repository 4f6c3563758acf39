import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { XinError } from "../../runtime";
import { lockHolder } from "../../runtime/instance-lock";
import { defaultPaths } from "../systemd/unit";

/**
 * How the instance runs, which decides how `xin upgrade` restarts it: the systemd unit (when installed
 * for this binary), a `xin serve` started by hand (restarted with the same arguments, environment and
 * folder), or nothing (the new binary is tried with `xin migrate`, and the user starts it).
 */
export type Runner =
  | { kind: "systemd"; unit: string }
  | { kind: "process"; pid: number; args: string[]; env: Record<string, string>; cwd: string }
  | { kind: "none" };

const UNIT = "xin";

const nulSeparated = (file: string): string[] =>
  readFileSync(file, "utf8")
    .split("\0")
    .filter((s) => s.length > 0);

const envOf = (pid: number): Record<string, string> =>
  Object.fromEntries(
    nulSeparated(`/proc/${pid}/environ`).flatMap((kv) => {
      const i = kv.indexOf("=");
      return i > 0 ? [[kv.slice(0, i), kv.slice(i + 1)]] : [];
    }),
  );

/** The installed unit runs this binary (its ExecStart names it), and systemd is the init system. */
export const systemdRuns = (target: string): boolean => {
  const unitFile = defaultPaths().unitFile;
  if (!existsSync("/run/systemd/system") || !existsSync(unitFile)) return false;
  return readFileSync(unitFile, "utf8")
    .split("\n")
    .some((l) => l.startsWith("ExecStart=") && l.includes(target));
};

export const detectRunner = (dataDir: string, target: string): Runner => {
  if (systemdRuns(target)) return { kind: "systemd", unit: UNIT };
  const holder = lockHolder(dataDir);
  if (holder?.command !== "serve") return { kind: "none" };
  let argv: string[];
  let runner: Runner;
  try {
    argv = nulSeparated(`/proc/${holder.pid}/cmdline`);
    runner = {
      kind: "process",
      pid: holder.pid,
      args: argv.slice(1),
      env: envOf(holder.pid),
      cwd: readlinkSync(`/proc/${holder.pid}/cwd`),
    };
  } catch (e) {
    throw new XinError(
      "upgrade.process_unreadable",
      `xin serve runs as pid ${holder.pid}, but its command line cannot be read: ${(e as Error).message}`,
      {
        hint: "run xin upgrade as the user running xin serve (or root), or stop it yourself and upgrade with nothing running",
      },
    );
  }
  // Restarted as `<binary> <its arguments>`: only a serve started from a xin executable can be (not `bun src/cli/main.ts serve`).
  if (argv[1] !== "serve") {
    throw new XinError(
      "upgrade.process_foreign",
      `xin serve (pid ${holder.pid}) was not started from a xin executable (${argv.join(" ")}), so it cannot be restarted on the new one`,
      {
        hint: "stop it, run xin upgrade with nothing running, then start the new binary yourself",
      },
    );
  }
  return runner;
};

export const describeRunner = (r: Runner): string =>
  r.kind === "systemd"
    ? `the systemd unit ${r.unit}.service`
    : r.kind === "process"
      ? `xin serve (pid ${r.pid})`
      : "nothing (no xin serve runs on this data dir)";

const systemctl = (...args: string[]) => {
  const r = spawnSync("systemctl", args, { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new XinError(
      "upgrade.systemctl_failed",
      `systemctl ${args.join(" ")} failed: ${(r.stderr || r.error?.message || "").trim()}`,
      { hint: "see journalctl -u xin -n 50" },
    );
  return r.stdout.trim();
};

export const systemdMainPid = (unit: string): number =>
  Number(systemctl("show", "-p", "MainPID", "--value", unit)) || 0;

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !["Z", "X", "x"].includes(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
  } catch {
    return false;
  }
};

/** SIGTERM (xin serve drains and exits), then SIGKILL after `graceMs`; resolves once the process is gone. */
export const stopProcess = async (pid: number, graceMs = 60_000): Promise<void> => {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await Bun.sleep(50);
  if (!alive(pid)) return;
  signal("SIGKILL");
  const hard = Date.now() + 10_000;
  while (alive(pid) && Date.now() < hard) await Bun.sleep(50);
  if (alive(pid))
    throw new XinError("upgrade.stop_failed", `xin serve (pid ${pid}) does not stop`, {
      hint: `stop it (kill -9 ${pid}) and run xin upgrade again`,
    });
};

/** The log a restarted `xin serve` writes to (it has no terminal any more). */
export const serveLogPath = (dataDir: string) => join(dataDir, "logs", "serve.log");

export type Started = { pid: number; exited: () => string | null };

/**
 * Starts `binary` with a stopped serve's arguments, environment and folder, detached from this command
 * (it outlives `xin upgrade`), its output appended to `log`.
 */
export const startProcess = (binary: string, r: Extract<Runner, { kind: "process" }>, log: string): Started => {
  mkdirSync(join(log, ".."), { recursive: true, mode: 0o750 });
  const fd = openSync(log, "a", 0o640);
  let exit: string | null = null;
  try {
    const child = spawn(binary, r.args, { cwd: r.cwd, env: r.env, detached: true, stdio: ["ignore", fd, fd] });
    child.on("error", (e) => (exit = e.message));
    child.on("exit", (code, signal) => (exit = signal ? `killed by ${signal}` : `exited with code ${code}`));
    child.unref();
    if (!child.pid) throw new XinError("upgrade.start_failed", `cannot start ${binary}`);
    return { pid: child.pid, exited: () => exit };
  } finally {
    closeSync(fd);
  }
};

export const restartUnit = (unit: string) => systemctl("restart", unit);
export const stopUnit = (unit: string) => systemctl("stop", unit);
export const startUnit = (unit: string) => systemctl("start", unit);

/**
 * Polls `/readyz` until it answers 200. `gone` says why the server cannot become ready any more (its
 * process exited), to fail at once instead of at the deadline. Returns null when ready, else why not.
 */
export const waitReady = async (
  baseUrl: string,
  timeoutMs: number,
  gone: () => string | null = () => null,
): Promise<string | null> => {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    const why = gone();
    if (why) return why;
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return null;
      last = `/readyz answered HTTP ${res.status}`;
    } catch (e) {
      last = `/readyz: ${(e as Error).message}`;
    }
    await Bun.sleep(100);
  }
  return `not ready within ${Math.round(timeoutMs / 1000)} s (${last})`;
};
