import type { Sql, TransactionSql } from "postgres";

/** A table storage parameter drizzle's table config cannot declare. */
export type StorageParameter = { table: string; fillfactor: number };

/**
 * `messages` leaves 40 % of each page free: every answer updates its inbound row (`answered_by`) and its
 * outbound row twice (the send attempt, then the sent mark), and an update that changes no indexed column
 * stays a HOT update only while the new row version fits on the same page (BENCH.md, "Respond path cost:
 * HOT row versions"). Measured over bench-e2e runs: at 80 about half of those updates were HOT, at 60
 * nearly all that can be (the sent mark cannot: it sets `provider_message_id`, which is indexed); 50
 * gained little more. The price is a heap about a third larger than at 80.
 */
export const STORAGE_PARAMETERS: StorageParameter[] = [{ table: "messages", fillfactor: 60 }];

/**
 * Sets the parameters that differ (idempotent: nothing is altered, and no lock taken, when they match).
 * A catalog change only: rows already stored keep their pages; new pages are filled to the new limit.
 * Tables the schema does not hold (yet) are skipped.
 */
export const applyStorageParameters = async (
  sql: Sql | TransactionSql,
  parameters: StorageParameter[] = STORAGE_PARAMETERS,
): Promise<void> => {
  for (const p of parameters) {
    const [row] = await sql<{ ok: boolean | null }[]>`
      select coalesce(${`fillfactor=${p.fillfactor}`} = any(c.reloptions), false) as ok
      from pg_class c where c.oid = to_regclass(${p.table})`;
    if (!row || row.ok) continue;
    // DDL takes no parameters: a quoted identifier and an integer, both from the constant above.
    await sql.unsafe(`alter table "${p.table.replaceAll('"', '""')}" set (fillfactor = ${Math.trunc(p.fillfactor)})`);
  }
};
