import type { Sql } from "postgres";

export type QueueDepth = { state: string; kind: string; count: number }[];

/** Jobs by state and kind (done/dead rows count until the retention purge removes them). */
export const queueDepth = async (sql: Sql): Promise<QueueDepth> =>
  (await sql<{ state: string; kind: string; count: number }[]>`
    select state, kind, count(*)::int as count from jobs group by state, kind order by state, kind`).map((r) => ({ ...r }));
