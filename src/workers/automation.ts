import { and, eq } from "drizzle-orm";
import { errorText, type BlobStore, type Logger } from "../runtime";
import type { Metrics } from "../runtime/metrics";
import { schema, transaction, type Db } from "../runtime/db";
import type { JobHandler, Wake } from "../runtime/queue";
import {
  AUTOMATION_RUN_JOB,
  AUTOMATION_SCAN_JOB,
  isAutomationKind,
  parseAutomationConfig,
  recordAudit,
  scheduleMatches,
  type AutomationConfig,
  type AutomationKind,
  type AutomationRunPayload,
} from "../tenancy";
import { closeIdleHandler } from "./close-idle";
import { followUpHandler } from "./follow-up";
import { retentionPurgeHandler } from "./retention-purge";
import { fireSlot } from "./scheduler";

export { AUTOMATION_RUN_JOB, AUTOMATION_SCAN_JOB };

export type AutomationRow = typeof schema.automations.$inferSelect;
export type AutomationDeps = {
  db: () => Db;
  wake: Wake | null;
  maxAttempts: number;
  owner?: () => string | null;
  /** Where attachment files live (the retention purge deletes the ones nothing names any more). */
  blobs?: BlobStore;
  metrics?: Metrics;
};
/** One run of one automation at `now` (the slot's time, or the moment of a run-now): what it did. */
export type KindRun<K extends AutomationKind> = AutomationDeps & {
  now: Date;
  automation: AutomationRow;
  config: AutomationConfig<K>;
  log: Logger;
};
export type KindHandler<K extends AutomationKind> = (run: KindRun<K>) => Promise<Record<string, number | string>>;

/** One handler per implemented kind: a kind with a config schema and no handler does not compile. */
const KIND_HANDLERS: { [K in AutomationKind]: KindHandler<K> } = {
  follow_up: followUpHandler,
  close_idle: closeIdleHandler,
  retention_purge: retentionPurgeHandler,
};

/**
 * How far back a scan looks for due slots: a minute the scheduler missed (a leader change, a restart)
 * still runs when the next scan comes; a slot already recorded in `schedule_runs` is never run again.
 */
const LOOKBACK_MINUTES = 10;
const MINUTE_MS = 60_000;

/** The schedule name under which an automation's slots are recorded in `schedule_runs`. */
export const automationSchedule = (id: string) => `automation:${id}`;

/**
 * Enqueues one run job per due slot of every enabled automation, up to `now`: each slot's
 * `schedule_runs` row and its job commit together (fireSlot), so a slot runs once across instances
 * and restarts. Slots before the automation existed never run. Returns the number of runs enqueued.
 */
export const scanAutomations = async (deps: AutomationDeps, now: Date): Promise<number> => {
  const db = deps.db();
  const rows = await db.select().from(schema.automations).where(eq(schema.automations.enabled, true));
  const last = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  let fired = 0;
  for (const row of rows) {
    if (!isAutomationKind(row.kind)) continue;
    for (let t = last - (LOOKBACK_MINUTES - 1) * MINUTE_MS; t <= last; t += MINUTE_MS) {
      const slot = new Date(t);
      if (slot < row.created_at || !scheduleMatches(row.schedule, slot)) continue;
      const job = () => ({
        kind: AUTOMATION_RUN_JOB,
        tenant_id: row.tenant_id,
        key: automationSchedule(row.id),
        payload: { automation_id: row.id },
      });
      if (
        await fireSlot(
          { db, wake: deps.wake, maxAttempts: deps.maxAttempts, owner: deps.owner?.() ?? null },
          { name: automationSchedule(row.id), cron: row.schedule, job },
          slot,
        )
      )
        fired++;
    }
  }
  return fired;
};

const payloadOf = (payload: unknown): AutomationRunPayload & { slot?: string } =>
  payload && typeof payload === "object" ? (payload as AutomationRunPayload) : { automation_id: "" };

/** The scan job: its slot (set by the scheduler) is the clock, so a late job still scans its minute. */
export const automationScanHandler =
  (deps: AutomationDeps): JobHandler =>
  async (job, ctx) => {
    const slot = payloadOf(job.payload).slot;
    const count = await scanAutomations(deps, slot ? new Date(slot) : new Date());
    if (count) ctx.log.info("automation runs enqueued", { count });
  };

export type RunOutcome = { ran: false; reason: string } | { ran: true; result: Record<string, number | string> };

/**
 * Runs one automation at `now` and records it: `last_run_at` and an `automation.run` audit entry with
 * what the kind did. A disabled automation runs only when asked by hand; a config that no longer
 * parses is recorded as `automation.failed` (retrying would not fix it). Kind handlers are idempotent
 * (a retried job after a crash repeats nothing already done).
 */
export const runAutomation = async (
  deps: AutomationDeps & { log: Logger },
  id: string,
  now: Date,
  how: { manual: boolean; actor: string },
): Promise<RunOutcome> => {
  const db = deps.db();
  const [automation] = await db.select().from(schema.automations).where(eq(schema.automations.id, id));
  if (!automation) return { ran: false, reason: "the automation was removed" };
  if (!automation.enabled && !how.manual) return { ran: false, reason: "the automation is disabled" };
  const kind = automation.kind;
  if (!isAutomationKind(kind)) return { ran: false, reason: `automation kind '${kind}' is not implemented` };
  const audit = (action: string, after: Record<string, unknown>) =>
    transaction(db, async ({ tx }) => {
      if (action === "automation.run")
        await tx
          .update(schema.automations)
          .set({ last_run_at: now })
          .where(and(eq(schema.automations.id, id)));
      await recordAudit(tx, {
        tenant_id: automation.tenant_id,
        actor: how.actor,
        action,
        subject_type: "automation",
        subject_id: id,
        after: { kind, at: now.toISOString(), manual: how.manual, ...after },
      });
    });
  let config: AutomationConfig<typeof kind>;
  try {
    config = parseAutomationConfig(kind, automation.config);
  } catch (e) {
    await audit("automation.failed", { error: errorText(e) });
    return { ran: false, reason: errorText(e) };
  }
  const handler = KIND_HANDLERS[kind] as KindHandler<AutomationKind>;
  const result = await handler({ ...deps, now, automation, config, log: deps.log.child({ automation: id, kind }) });
  await audit("automation.run", result);
  return { ran: true, result };
};

/** The run job: scheduled (payload slot) or by hand (payload now, manual). */
export const automationRunHandler =
  (deps: AutomationDeps): JobHandler =>
  async (job, ctx) => {
    const p = payloadOf(job.payload);
    const now = new Date(p.now ?? p.slot ?? Date.now());
    const outcome = await runAutomation({ ...deps, log: ctx.log }, p.automation_id, now, {
      manual: p.manual === true,
      actor: p.actor ?? "scheduler",
    });
    if (!outcome.ran) ctx.log.info("automation not run", { automation: p.automation_id, reason: outcome.reason });
  };
