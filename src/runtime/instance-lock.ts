import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { XinError } from "./errors";

/**
 * A process's state letter and start time (clock ticks since boot) from /proc/<pid>/stat, whose fields
 * after the parenthesised command are: state, ppid, … and, 20 places after the state, the start time.
 */
const procStat = (pid: number): { state: string; started: string } | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ? { state: fields[0] ?? "", started: fields[19] } : null;
  } catch {
    return null;
  }
};

/** Start time of a running process: tells a live pid from a reused one. */
const startTime = (pid: number): string | null => procStat(pid)?.started ?? null;

/**
 * Whether the process that wrote a lock still runs: same pid and start time (not a reused pid), and not
 * a zombie (`Z`) or dead (`X`, `x`) — a `kill -9`ed xin stays a zombie until its parent reaps it, and
 * holds nothing any more.
 */
const stillRuns = (pid: number, started: string): boolean => {
  const stat = procStat(pid);
  return stat !== null && stat.started === started && !["Z", "X", "x"].includes(stat.state);
};

export type LockHolder = { pid: number; command: string };

const lockPath = (dataDir: string) => join(dataDir, "xin.lock");

/** Who holds the data dir's lock, if a live process does (a stale lock of a dead, zombie or reused pid is ignored). */
export const lockHolder = (dataDir: string): LockHolder | null => {
  try {
    const [pid, started, command] = readFileSync(lockPath(dataDir), "utf8").split("\n");
    const n = Number(pid);
    if (Number.isInteger(n) && n > 0 && started && stillRuns(n, started)) return { pid: n, command: command ?? "" };
  } catch {
    // no lock file
  }
  return null;
};

/**
 * An exclusive lock on a data dir for one xin process (`serve`, or a CLI command using the embedded
 * store). Created with O_EXCL, so two processes starting at once cannot both win; a lock left by a
 * killed process (pid gone, reused, or a zombie not yet reaped) is taken over. Returns the release function.
 */
export const acquireInstanceLock = (dataDir: string, command: string): (() => void) => {
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, `${process.pid}\n${startTime(process.pid)}\n${command}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = lockHolder(dataDir);
      if (holder) {
        throw new XinError(
          "instance.locked",
          `another xin (pid ${holder.pid}, \`xin ${holder.command}\`) is using ${dataDir}`,
          {
            hint:
              holder.command === "serve"
                ? "xin is already running: stop it first, or use its admin API (xin status works against it)"
                : "wait for it to finish",
            data: { pid: holder.pid },
          },
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new XinError("instance.lock_failed", `cannot take the lock ${file}`);
};

/**
 * Commands that hold the data dir for as long as a person keeps them open (`xin chat`) and hand it over
 * to a starting `xin serve`: asked with SIGUSR2, they close their store, release the lock and go on
 * through the server. Short commands (an ingest) are simply waited for.
 */
export const YIELDING_COMMAND = "chat";
export const YIELD_SIGNAL = "SIGUSR2";

/**
 * For `xin serve`: when the lock's holder is a yielding command, ask it to hand over and wait until it
 * has (or `timeoutMs` passed). Returns the pid that handed over, or null when there was nothing to ask.
 */
export const takeOverFromYielding = async (dataDir: string, timeoutMs = 15_000): Promise<number | null> => {
  const holder = lockHolder(dataDir);
  if (!holder || holder.command !== YIELDING_COMMAND) return null;
  try {
    process.kill(holder.pid, YIELD_SIGNAL);
  } catch {
    return null; // gone meanwhile: the lock is stale and is taken over as usual
  }
  const deadline = Date.now() + timeoutMs;
  while (lockHolder(dataDir)?.pid === holder.pid && Date.now() < deadline) await Bun.sleep(50);
  return holder.pid;
};
