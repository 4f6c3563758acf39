// CPU time of process trees from /proc, for benchmarks that must say where the cycles went (the app vs
// its PostgreSQL) and not only how fast the run was.
import { readdirSync, readFileSync } from "node:fs";

type Proc = { pid: number; ppid: number; comm: string; cpuMs: number };

const TICK_MS = 10; // USER_HZ is 100 on Linux

const processes = (): Proc[] => {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      // fields: state ppid ... utime(11) stime(12) cutime(13) cstime(14): children already reaped count too.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      out.push({
        pid: Number(name),
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf("(") + 1, close),
        cpuMs: ticks * TICK_MS,
      });
    } catch {
      // The process ended between listing and reading: its time shows in its parent's cutime.
    }
  }
  return out;
};

/** CPU milliseconds used so far by `root` and all its descendants, split by whether the command is PostgreSQL. */
export const treeCpuMs = (root: number): { postgres: number; other: number } => {
  const all = processes();
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const total = { postgres: 0, other: 0 };
  const walk = (p: Proc) => {
    total[p.comm === "postgres" ? "postgres" : "other"] += p.cpuMs;
    for (const c of children.get(p.pid) ?? []) walk(c);
  };
  const top = all.find((p) => p.pid === root);
  if (top) walk(top);
  return total;
};

/** The pid of the postgres server listening on `port`, from its command line (`-p <port>`). */
export const postgresPidOnPort = (port: number): number | undefined =>
  processes().find(
    (p) =>
      p.comm === "postgres" &&
      readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0").join(" ").includes(`-p ${port}`),
  )?.pid;

/** CPU milliseconds the whole machine spent busy so far (every core, from /proc/stat: all but idle and iowait). */
export const machineBusyMs = (): number => {
  const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
  const ticks = cpu.trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3] + ticks[4];
  return (ticks.reduce((a, b) => a + b, 0) - idle) * TICK_MS;
};
