// Prints where a PostgreSQL server spent its time, from pg_stat_statements (the server must have been
// started with it in shared_preload_libraries).
import postgres from "postgres";

export const printTopStatements = async (url: string, limit = 25): Promise<void> => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`create extension if not exists pg_stat_statements`;
    const [total] = await sql`select sum(calls)::int as calls, round(sum(total_exec_time + total_plan_time)::numeric) as ms from pg_stat_statements`;
    console.error(`statements: ${total.calls} calls, ${total.ms} ms executing + planning`);
    // What the statements' own times leave out: WAL written, commits, and whether updates stayed HOT
    // (an update that changes an indexed or index-predicate column writes an entry in every index).
    const [wal] = await sql`select wal_records::int as records, wal_fpi::int as fpi, wal_bytes::bigint as bytes from pg_stat_wal`;
    const [tx] = await sql`select xact_commit::int as commits, tup_inserted::int as ins, tup_updated::int as upd from pg_stat_database where datname = current_database()`;
    const hot = await sql`select relname, n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_user_tables where n_tup_upd > 0 order by n_tup_upd desc`;
    console.error(`WAL ${JSON.stringify(wal)} TX ${JSON.stringify(tx)} HOT ${JSON.stringify(hot)}`);
    console.error("  calls   exec ms  plan ms  statement");
    const rows = await sql`
      select calls, round(total_exec_time::numeric) as exec_ms, round(total_plan_time::numeric) as plan_ms,
        left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 150) as query
      from pg_stat_statements order by total_exec_time + total_plan_time desc limit ${limit}`;
    for (const r of rows) console.error(`${String(r.calls).padStart(7)} ${String(r.exec_ms).padStart(9)} ${String(r.plan_ms).padStart(8)}  ${r.query}`);
  } finally {
    await sql.end();
  }
};
