import { and, gt, lt, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/** A keyset position: rows strictly after (or before) (created_at, id) in a listing's order. */
export type Cursor = { at: Date; id: string };

/** The `since`/`until` filter of a listing on its creation-time column (undefined when neither is given). */
export const timeWindow = (at: AnyPgColumn, q: { since?: Date; until?: Date }): SQL | undefined =>
  and(q.since ? gt(at, q.since) : undefined, q.until ? lt(at, q.until) : undefined);

/**
 * Rows after the cursor in (created_at, id) order. Postgres keeps microseconds and a JS Date only
 * milliseconds, so the column is truncated to milliseconds before comparing: otherwise the last row of
 * a page would come back at the top of the next one.
 */
export const keysetAfter = (at: AnyPgColumn, id: AnyPgColumn, c?: Cursor): SQL | undefined => {
  if (!c) return undefined;
  const ms = sql`date_trunc('milliseconds', ${at})`;
  const when = sql`${c.at.toISOString()}::timestamptz`;
  return or(sql`${ms} > ${when}`, and(sql`${ms} = ${when}`, gt(id, c.id)));
};

/** The same for newest-first listings (the audit log, whose ids are numbers). */
export const keysetBefore = (at: AnyPgColumn, id: AnyPgColumn, c?: Cursor): SQL | undefined => {
  if (!c) return undefined;
  const ms = sql`date_trunc('milliseconds', ${at})`;
  const when = sql`${c.at.toISOString()}::timestamptz`;
  return or(sql`${ms} < ${when}`, and(sql`${ms} = ${when}`, lt(id, Number(c.id))));
};
