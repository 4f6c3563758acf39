import { sql } from "drizzle-orm";
import type { TxContext } from "../db/client";
import { jobs } from "../db/schema";
import { WAKE_CHANNEL, type Wake } from "./wake";

export type NewJob = {
  kind: string;
  payload?: unknown;
  tenant_id?: string | null;
  /** Jobs with the same key run one at a time, in enqueue order (e.g. `conv:<id>`). */
  key?: string | null;
  run_at?: Date;
  max_attempts?: number;
};

/**
 * Enqueues jobs inside the caller's transaction (transactional outbox): they exist exactly when the
 * state change that caused them commits. Many jobs go in one multi-row INSERT and one NOTIFY, so a
 * webhook carrying 50 messages costs one round trip, not 50. Returns the job ids.
 */
export const enqueueJobs = async (ctx: TxContext, wake: Wake | null, items: NewJob[], defaultMaxAttempts: number): Promise<number[]> => {
  if (items.length === 0) return [];
  const rows = await ctx.tx
    .insert(jobs)
    .values(
      items.map((j) => ({
        kind: j.kind,
        payload: j.payload ?? {},
        tenant_id: j.tenant_id ?? null,
        key: j.key ?? null,
        run_at: j.run_at ?? sql`now()`,
        max_attempts: j.max_attempts ?? defaultMaxAttempts,
      })),
    )
    .returning({ id: jobs.id });
  await ctx.tx.execute(sql`select pg_notify(${WAKE_CHANNEL}, '')`);
  if (wake) ctx.afterCommit(() => wake.notify());
  return rows.map((r) => r.id);
};
