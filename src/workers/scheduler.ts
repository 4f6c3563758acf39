import cron, { type ScheduledTask } from "node-cron";
import type { ReservedSql, Sql } from "postgres";
import { errorText, type Logger, type Service } from "../runtime";
import { transaction, type Db } from "../runtime/db";
import { enqueueJobs, type NewJob, type Wake } from "../runtime/queue";

export type Schedule = { name: string; cron: string; job: () => NewJob };

const SCHEDULER_LOCK = 0x78696e63726f6en; // "xincron"

/**
 * Runs cron schedules on exactly one instance: the one holding a session-level advisory lock (others
 * retry every minute, so a stopped leader is replaced). A schedule only enqueues a durable job; the
 * work runs in the queue, so a crash between tick and work loses nothing.
 */
export const schedulerService = (deps: { sql: () => Sql; db: () => Db; wake: Wake; log: Logger; schedules: Schedule[]; maxAttempts: number }): Service => {
  let conn: ReservedSql | null = null;
  let tasks: ScheduledTask[] = [];
  let retry: Timer | null = null;
  let stopped = false;

  const fire = async (s: Schedule) => {
    try {
      await transaction(deps.db(), (ctx) => enqueueJobs(ctx, deps.wake, [s.job()], deps.maxAttempts));
      deps.log.info("schedule fired", { schedule: s.name });
    } catch (e) {
      deps.log.warn("schedule fire failed", { schedule: s.name, err: errorText(e) });
    }
  };

  const tryLead = async () => {
    if (stopped || conn) return;
    try {
      const c = await deps.sql().reserve();
      const [row] = await c`select pg_try_advisory_lock(${SCHEDULER_LOCK.toString()}::bigint) as ok`;
      if (!row?.ok) {
        c.release();
        return;
      }
      conn = c;
      tasks = deps.schedules.map((s) => cron.schedule(s.cron, () => fire(s), { name: s.name, noOverlap: true }));
      deps.log.info("scheduler leading", { schedules: deps.schedules.length });
    } catch (e) {
      deps.log.warn("scheduler lock failed", { err: errorText(e) });
    }
  };

  return {
    name: "scheduler",
    start: async () => {
      await tryLead();
      retry = setInterval(() => void tryLead(), 60_000);
    },
    stop: async () => {
      stopped = true;
      if (retry) clearInterval(retry);
      for (const t of tasks) await t.destroy();
      tasks = [];
      if (conn) {
        await conn`select pg_advisory_unlock(${SCHEDULER_LOCK.toString()}::bigint)`.catch(() => {});
        conn.release();
        conn = null;
      }
    },
  };
};
