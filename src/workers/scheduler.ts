import cron, { type ScheduledTask } from "node-cron";
import type { Sql } from "postgres";
import { errorText, type Logger, type Service } from "../runtime";
import { transaction, type Db } from "../runtime/db";
import { enqueueJobs, type NewJob, type Wake } from "../runtime/queue";

/** `atStart`: also fired when this instance becomes the leader (catch-up work such as re-embedding). */
export type Schedule = { name: string; cron: string; job: () => NewJob; atStart?: boolean };

const SCHEDULER_LOCK = 0x78696e63726f6en; // "xincron"

/**
 * Runs cron schedules on exactly one instance: the one holding a session-level advisory lock on its
 * own connection. Every minute each instance asks for the lock again: the leader's ask succeeds
 * (the lock is re-entrant), a follower's succeeds only once the leader's session is gone, and a leader
 * whose connection was replaced (a restarted store) finds out and stops its schedules. A schedule only
 * enqueues a durable job; the work runs in the queue, so a crash between tick and work loses nothing.
 */
export const schedulerService = (deps: {
  session: () => Sql;
  db: () => Db;
  wake: Wake;
  log: Logger;
  schedules: Schedule[];
  maxAttempts: number;
  checkEveryMs?: number;
}): Service => {
  let session: Sql | null = null;
  let tasks: ScheduledTask[] = [];
  let timer: Timer | null = null;

  const fire = async (s: Schedule) => {
    try {
      await transaction(deps.db(), (ctx) => enqueueJobs(ctx, deps.wake, [s.job()], deps.maxAttempts));
      deps.log.info("schedule fired", { schedule: s.name });
    } catch (e) {
      deps.log.warn("schedule fire failed", { schedule: s.name, err: errorText(e) });
    }
  };

  const follow = async () => {
    for (const t of tasks) await t.destroy();
    tasks = [];
  };

  const check = async () => {
    try {
      session ??= deps.session();
      const [row] = await session`select pg_try_advisory_lock(${SCHEDULER_LOCK.toString()}::bigint) as ok`;
      if (row?.ok && tasks.length === 0) {
        tasks = deps.schedules.map((s) => cron.schedule(s.cron, () => fire(s), { name: s.name, noOverlap: true }));
        deps.log.info("scheduler leading", { schedules: deps.schedules.length });
        for (const s of deps.schedules) if (s.atStart) await fire(s);
      } else if (!row?.ok && tasks.length > 0) {
        await follow();
        deps.log.warn("scheduler lost the lead");
      }
    } catch (e) {
      await follow();
      deps.log.warn("scheduler lock check failed", { err: errorText(e) });
    }
  };

  return {
    name: "scheduler",
    start: async () => {
      await check();
      timer = setInterval(() => void check(), deps.checkEveryMs ?? 60_000);
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      await follow();
      // Ending the session releases the advisory lock for the next leader.
      await session?.end({ timeout: 2 }).catch(() => {});
      session = null;
    },
  };
};
