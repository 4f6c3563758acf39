import type { Sql } from "postgres";
import type { Job } from "./types";

type Row = Job & { lease_token: string };

/**
 * Claims up to `limit` due jobs with FOR UPDATE SKIP LOCKED. A keyed job is claimable only when it is
 * the oldest open job of its key and no job of that key is running, so one key's jobs run one at a
 * time and in order. The partial unique index `jobs_one_running_per_key` is the final guard for the
 * rare race of two transactions committing same-key jobs out of id order: the loser gets a unique
 * violation and claims nothing this round.
 */
export const claimJobs = async (
  sql: Sql,
  workerId: string,
  limit: number,
  leaseMs: number,
  kinds: string[],
): Promise<Row[]> => {
  const token = crypto.randomUUID();
  try {
    const rows = await sql<Row[]>`
      with candidates as (
        select j.id from jobs j
        where j.state = 'queued' and j.run_at <= now() and j.kind = any(${kinds})
          and (j.key is null or (
            not exists (select 1 from jobs o where o.key = j.key and o.state in ('queued', 'running') and o.id < j.id)
            and not exists (select 1 from jobs r where r.key = j.key and r.state = 'running')))
        order by j.id
        limit ${limit}
        for update of j skip locked
      )
      update jobs set state = 'running', attempts = jobs.attempts + 1, lease_token = ${token},
        locked_by = ${workerId}, locked_until = now() + ${leaseMs} * interval '1 millisecond'
      from candidates where jobs.id = candidates.id
      returning jobs.id::int as id, jobs.kind, jobs.key, jobs.tenant_id, jobs.payload, jobs.attempts, jobs.max_attempts, jobs.lease_token, jobs.trace`;
    return [...rows];
  } catch (e) {
    if ((e as { code?: string }).code === "23505") return [];
    throw e;
  }
};

/**
 * Returns jobs whose lease expired (their worker was killed or hung) to the queue, or dead-letters them
 * when their attempts are used up. Safe to run from every worker at once.
 */
export const reapExpired = async (sql: Sql): Promise<number> => {
  const rows = await sql`
    update jobs set
      state = case when attempts >= max_attempts then 'dead' else 'queued' end,
      finished_at = case when attempts >= max_attempts then now() else null end,
      last_error = 'lease expired: the worker stopped or crashed while running it',
      lease_token = null, locked_by = null, locked_until = null, run_at = now()
    where state = 'running' and locked_until < now()
    returning id`;
  return rows.count;
};

/**
 * A job in flight at this many deaths of its process is taken for their cause (a poison job that
 * exhausts memory, say) and dead-lettered instead of being given back once more.
 */
export const MAX_CRASH_RELEASES = 20;

/**
 * At start, before this process runs anything: returns to the queue the running jobs of a previous
 * process that is provably gone — every running job on the embedded store (`all`: the data dir's lock
 * lets no other process use it), or those leased under this data dir's `owner` id on an external one
 * (other instances' jobs are left to their leases). They resume at once instead of after their lease
 * expires. The run a crash cut short is not counted as an attempt (the job did not fail: a process
 * killed every few seconds would otherwise dead-letter sound jobs); `crashes` counts it instead.
 */
export const releaseDeadOwners = async (sql: Sql, scope: { all: true } | { owner: string }): Promise<number> => {
  const all = "all" in scope;
  const prefix = "owner" in scope ? `${scope.owner}/` : "";
  const rows = await sql`
    update jobs set
      state = case when crashes + 1 >= ${MAX_CRASH_RELEASES} then 'dead' else 'queued' end,
      finished_at = case when crashes + 1 >= ${MAX_CRASH_RELEASES} then now() else null end,
      attempts = greatest(attempts - 1, 0), crashes = crashes + 1,
      last_error = 'released at start: the previous process of this instance stopped while running it',
      lease_token = null, locked_by = null, locked_until = null, run_at = now()
    where state = 'running' and (${all} or starts_with(coalesce(locked_by, ''), ${prefix}))
    returning id`;
  return rows.count;
};

/** Milliseconds until the next queued job is due (capped by `max`), for the idle wait. */
export const msUntilNextDue = async (sql: Sql, max: number): Promise<number> => {
  const [row] = await sql<{ ms: number | null }[]>`
    select extract(epoch from (min(run_at) - now())) * 1000 as ms from jobs where state = 'queued'`;
  if (row?.ms === null || row?.ms === undefined) return max;
  return Math.max(0, Math.min(max, Math.ceil(Number(row.ms))));
};
