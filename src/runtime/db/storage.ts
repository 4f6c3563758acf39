import type { Sql, TransactionSql } from "postgres";

/** A table storage parameter drizzle's table config cannot declare. */
export type StorageParameter = { table: string; fillfactor: number };

/**
 * `messages` leaves a fifth of each page free: every answer updates its inbound row (`answered_by`) and
 * its outbound row (the send attempt, then delivery statuses), and an update that changes no indexed
 * column stays a HOT update only while the new row version fits on the same page (BENCH.md, "Respond path
 * cost"). The default 100 fills pages with inserts and sends those updates to other pages, with an entry
 * in every index.
 */
export const STORAGE_PARAMETERS: StorageParameter[] = [{ table: "messages", fillfactor: 80 }];

/**
 * Sets the parameters that differ (idempotent: nothing is altered, and no lock taken, when they match).
 * A catalog change only: rows already stored keep their pages; new pages are filled to the new limit.
 * Tables the schema does not hold (yet) are skipped.
 */
export const applyStorageParameters = async (sql: Sql | TransactionSql, parameters: StorageParameter[] = STORAGE_PARAMETERS): Promise<void> => {
  for (const p of parameters) {
    const [row] = await sql<{ ok: boolean | null }[]>`
      select coalesce(${`fillfactor=${p.fillfactor}`} = any(c.reloptions), false) as ok
      from pg_class c where c.oid = to_regclass(${p.table})`;
    if (!row || row.ok) continue;
    // DDL takes no parameters: a quoted identifier and an integer, both from the constant above.
    await sql.unsafe(`alter table "${p.table.replaceAll('"', '""')}" set (fillfactor = ${Math.trunc(p.fillfactor)})`);
  }
};
