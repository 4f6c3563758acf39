import cron, { type ScheduledTask } from "node-cron";
import type { Sql } from "postgres";
import { errorText, type Logger, type Service } from "../runtime";
import { schema, transaction, type Db } from "../runtime/db";
import { enqueueJobs, type NewJob, type Wake } from "../runtime/queue";

/** `atStart`: also fired when this instance becomes the leader (catch-up work such as re-embedding). */
export type Schedule = { name: string; cron: string; job: () => NewJob; atStart?: boolean };

/**
 * Fires one slot of a schedule at most once across every instance on the database: the slot's
 * `schedule_runs` row and its job commit together, and a slot already recorded enqueues nothing. The
 * advisory lock keeps one leader; this is the guard for the moment it does not (a leader that has
 * not yet noticed its session was replaced while another took the lock) and the durable record of
 * which instance ran which slot. The job's payload names its slot. Returns false for a taken slot.
 */
export const fireSlot = async (
  deps: { db: Db; wake: Wake | null; maxAttempts: number; owner: string | null },
  s: Schedule,
  slot: Date,
): Promise<boolean> =>
  transaction(deps.db, async (ctx) => {
    const at = new Date(Math.floor(slot.getTime() / 1000) * 1000);
    const taken = await ctx.tx
      .insert(schema.scheduleRuns)
      .values({ schedule: s.name, slot: at, fired_by: deps.owner })
      .onConflictDoNothing()
      .returning({ slot: schema.scheduleRuns.slot });
    if (taken.length === 0) return false;
    const job = s.job();
    const payload = job.payload && typeof job.payload === "object" ? job.payload : {};
    await enqueueJobs(ctx, deps.wake, [{ ...job, payload: { ...payload, slot: at.toISOString() } }], deps.maxAttempts);
    return true;
  });

const SCHEDULER_LOCK = 0x78696e63726f6en; // "xincron"

/**
 * Runs cron schedules on exactly one instance: the one holding a session-level advisory lock on its
 * own connection. Every 5 s each instance asks for the lock again: the leader's ask succeeds
 * (the lock is re-entrant), a follower's succeeds only once the leader's session is gone, and a leader
 * whose connection was replaced (a restarted store) finds out and stops its schedules. A schedule only
 * enqueues a durable job; the work runs in the queue, so a crash between tick and work loses nothing.
 */
export const schedulerService = (deps: {
  session: () => Sql;
  db: () => Db;
  wake: Wake | null;
  log: Logger;
  schedules: Schedule[];
  maxAttempts: number;
  /** The instance's owner id, recorded with each slot it fires. */
  owner?: () => string | null;
  /** How often each instance asks for the lead: the longest a stopped leader's schedules go unrun. */
  checkEveryMs?: number;
}): Service => {
  let session: Sql | null = null;
  let tasks: ScheduledTask[] = [];
  let timer: Timer | null = null;

  const fire = async (s: Schedule, slot: Date) => {
    try {
      const fired = await fireSlot(
        { db: deps.db(), wake: deps.wake, maxAttempts: deps.maxAttempts, owner: deps.owner?.() ?? null },
        s,
        slot,
      );
      if (fired) deps.log.info("schedule fired", { schedule: s.name, slot: slot.toISOString() });
      else deps.log.warn("schedule slot already fired", { schedule: s.name, slot: slot.toISOString() });
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
        tasks = deps.schedules.map((s) =>
          cron.schedule(s.cron, (c) => fire(s, c.date), { name: s.name, noOverlap: true }),
        );
        deps.log.info("scheduler leading", { schedules: deps.schedules.length });
        for (const s of deps.schedules) if (s.atStart) await fire(s, new Date());
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
      timer = setInterval(() => void check(), deps.checkEveryMs ?? 5_000);
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
