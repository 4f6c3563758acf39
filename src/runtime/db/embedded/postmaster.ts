import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/** The fields of `postmaster.pid` xin relies on (PostgreSQL writes one per line). */
export type PostmasterInfo = { pid: number; dataDir: string; status: string };

export const readPostmaster = (pgdata: string): PostmasterInfo | null => {
  const file = join(pgdata, "postmaster.pid");
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, "utf8").split("\n");
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, dataDir: lines[1] ?? "", status: (lines[7] ?? "").trim() };
};

/** True when `pid` runs (a zombie does not count: where PID 1 does not reap, killed children linger). */
export const isAlive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

const isOurPostgres = (pid: number, pgdata: string): boolean => {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv[0]?.endsWith("/postgres") === true && argv.includes(pgdata);
  } catch {
    return false;
  }
};

const waitGone = async (pid: number, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await Bun.sleep(10);
  return !isAlive(pid);
};

/**
 * Handles what a killed xin leaves behind. A live postgres serving our data dir (an orphan: the caller
 * holds the instance lock, so no other xin owns it) gets a fast shutdown; a dead one's lock files are
 * removed, because a zombie's pid makes postgres refuse to start. Returns what it did, for the log.
 */
export const clearPostmaster = async (
  pgdata: string,
  sockDir: string,
): Promise<"none" | "stopped_orphan" | "removed_stale_lock"> => {
  const info = readPostmaster(pgdata);
  if (!info) return "none";
  if (isAlive(info.pid) && isOurPostgres(info.pid, pgdata)) {
    process.kill(info.pid, "SIGINT");
    if (!(await waitGone(info.pid, 15_000))) process.kill(info.pid, "SIGKILL");
    await waitGone(info.pid, 5_000);
    if (!readPostmaster(pgdata)) return "stopped_orphan";
  }
  rmSync(join(pgdata, "postmaster.pid"), { force: true });
  rmSync(join(sockDir, ".s.PGSQL.5432.lock"), { force: true });
  return "removed_stale_lock";
};
