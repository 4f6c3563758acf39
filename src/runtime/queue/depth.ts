import type { Sql } from "postgres";

export type QueueDepth = { state: string; kind: string; count: number }[];

/** Jobs by state and kind (done/dead rows count until the retention purge removes them). */
export const queueDepth = async (sql: Sql): Promise<QueueDepth> =>
  (
    await sql<{ state: string; kind: string; count: number }[]>`
    select state, kind, count(*)::int as count from jobs group by state, kind order by state, kind`
  ).map((r) => ({ ...r }));

/** Per kind, how long the oldest due job has been waiting in the queue (seconds): the queue's lag. */
export const queueOldest = async (sql: Sql): Promise<{ kind: string; seconds: number }[]> =>
  (
    await sql<{ kind: string; seconds: number }[]>`
    select kind, extract(epoch from now() - min(run_at))::float8 as seconds from jobs
    where state = 'queued' and run_at <= now() group by kind order by kind`
  ).map((r) => ({ ...r }));
