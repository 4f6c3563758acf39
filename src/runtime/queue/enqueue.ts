import type { TxContext } from "../db/client";
import { currentTraceparent } from "../telemetry";
import type { ClaimedJob, HandOffTaker } from "./types";
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

type HandOff = { index: number; job: NewJob; taker: HandOffTaker };

/**
 * Enqueues jobs inside the caller's transaction (transactional outbox): they exist exactly when the
 * state change that caused them commits. Many jobs go in one multi-row INSERT and one NOTIFY, so a
 * webhook carrying 50 messages costs one round trip, not 50. Returns the job ids, in `items` order.
 *
 * Jobs a runner of this process can start now are handed to it (see `HandOffTaker`): written already
 * running under its lease, started when the transaction commits. A keyed job is handed over only when
 * no other job of its key is open, so per-key order holds; the ones that are not go to the queue.
 */
export const enqueueJobs = async (
  ctx: TxContext,
  wake: Wake | null,
  items: NewJob[],
  defaultMaxAttempts: number,
): Promise<number[]> => {
  if (items.length === 0) return [];
  // The enqueuing span (a request, a job) becomes the parent of each job's run.
  const trace = currentTraceparent();
  const ids: number[] = new Array(items.length);
  const handOffs = pickHandOffs(wake, items);
  const started = handOffs.length
    ? await insertRunning(ctx, handOffs, defaultMaxAttempts, trace)
    : new Map<number, ClaimedJob>();
  for (const h of handOffs) {
    const job = started.get(h.index);
    if (!job) {
      h.taker.unreserve();
      continue;
    }
    ids[h.index] = job.id;
    ctx.afterCommit(() => h.taker.adopt(job));
    ctx.afterRollback(() => h.taker.unreserve());
  }
  const queued = items.map((job, index) => ({ job, index })).filter(({ index }) => !started.has(index));
  if (queued.length === 0) return ids;
  // Sent together (pipelined on the transaction's connection): one round trip, not two. The jobs ride
  // in one JSON parameter: one statement text (and plan) for any number of them, no drizzle build.
  const input = queued.map(({ job: j }, i) => ({
    i,
    kind: j.kind,
    payload: j.payload ?? {},
    tenant_id: j.tenant_id ?? null,
    key: j.key ?? null,
    run_at: j.run_at?.toISOString() ?? null,
    max_attempts: j.max_attempts ?? defaultMaxAttempts,
    trace,
  }));
  const [rows] = await Promise.all([
    ctx.sql<{ id: string }[]>`
      insert into jobs (kind, payload, tenant_id, key, run_at, max_attempts, trace)
      select t.kind, t.payload, t.tenant_id, t.key, coalesce(t.run_at, now()), t.max_attempts, t.trace
      from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as t(i int, kind text, payload jsonb, tenant_id text, key text, run_at timestamptz, max_attempts int, trace text)
      order by t.i
      returning id`,
    ctx.sql`select pg_notify(${WAKE_CHANNEL}, '')`,
  ]);
  // INSERT … SELECT … ORDER BY assigns ids (and returns rows) in input order.
  rows.forEach((r, i) => (ids[queued[i].index] = Number(r.id)));
  if (wake) ctx.afterCommit(() => wake.notify());
  return ids;
};

/** Due jobs a local runner kept a slot for; only the first job of a key in this batch (the rest queue behind it). */
const pickHandOffs = (wake: Wake | null, items: NewJob[]): HandOff[] => {
  if (!wake) return [];
  const keys = new Set<string>();
  const out: HandOff[] = [];
  items.forEach((job, index) => {
    if (job.run_at && job.run_at.getTime() > Date.now()) return;
    if (job.key) {
      if (keys.has(job.key)) return;
      keys.add(job.key);
    }
    const taker = wake.reserveFor(job.kind);
    if (taker) out.push({ index, job, taker });
  });
  return out;
};

/**
 * Writes handed-over jobs as running. A keyed one is skipped when a job of its key is open (checked
 * here, and by the one-running-per-key index for a concurrent transaction: ON CONFLICT skips it then);
 * skipped jobs are queued by the caller. Returns the started jobs by their index in the batch.
 */
const insertRunning = async (
  ctx: TxContext,
  handOffs: HandOff[],
  defaultMaxAttempts: number,
  trace: string | null,
): Promise<Map<number, ClaimedJob>> => {
  const started = new Map<number, ClaimedJob>();
  const byTaker = new Map<HandOffTaker, HandOff[]>();
  for (const h of handOffs) {
    const group = byTaker.get(h.taker);
    if (group) group.push(h);
    else byTaker.set(h.taker, [h]);
  }
  for (const [taker, group] of byTaker) {
    const token = crypto.randomUUID();
    const input = group.map((h) => ({
      i: h.index,
      kind: h.job.kind,
      payload: h.job.payload ?? {},
      tenant_id: h.job.tenant_id ?? null,
      key: h.job.key ?? null,
      max_attempts: h.job.max_attempts ?? defaultMaxAttempts,
    }));
    // The batch index rides along in the lease token (`<token>:<index>`): RETURNING cannot name the input row.
    const rows = await ctx.sql<
      {
        id: string;
        kind: string;
        key: string | null;
        tenant_id: string | null;
        payload: unknown;
        max_attempts: number;
        lease_token: string;
      }[]
    >`
      insert into jobs (kind, payload, tenant_id, key, run_at, max_attempts, state, attempts, lease_token, locked_by, locked_until, trace)
      select t.kind, t.payload, t.tenant_id, t.key, now(), t.max_attempts, 'running', 1, ${token} || ':' || t.i, ${taker.workerId},
        now() + ${taker.leaseMs} * interval '1 millisecond', ${trace}::text
      from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as t(i int, kind text, payload jsonb, tenant_id text, key text, max_attempts int)
      where t.key is null or not exists (select 1 from jobs o where o.key = t.key and o.state in ('queued', 'running'))
      order by t.i
      on conflict (key) where state = 'running' and key is not null do nothing
      returning id, kind, key, tenant_id, payload, max_attempts, lease_token`;
    for (const r of rows) {
      const index = Number(r.lease_token.slice(token.length + 1));
      started.set(index, {
        id: Number(r.id),
        kind: r.kind,
        key: r.key,
        tenant_id: r.tenant_id,
        payload: r.payload,
        attempts: 1,
        max_attempts: r.max_attempts,
        lease_token: r.lease_token,
        trace,
      });
    }
  }
  return started;
};
