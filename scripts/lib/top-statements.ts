// Prints where a PostgreSQL server spent its time, from pg_stat_statements (the server must have been
// started with it in shared_preload_libraries).
import postgres from "postgres";

export const printTopStatements = async (url: string, limit = 25): Promise<void> => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`create extension if not exists pg_stat_statements`;
    const [total] =
      await sql`select sum(calls)::int as calls, round(sum(total_exec_time + total_plan_time)::numeric) as ms from pg_stat_statements`;
    console.error(`statements: ${total.calls} calls, ${total.ms} ms executing + planning`);
    // What the statements' own times leave out: WAL written, commits, and whether updates stayed HOT
    // (an update that changes an indexed or index-predicate column writes an entry in every index).
    const [wal] =
      await sql`select wal_records::int as records, wal_fpi::int as fpi, wal_bytes::bigint as bytes from pg_stat_wal`;
    const [tx] =
      await sql`select xact_commit::int as commits, tup_inserted::int as ins, tup_updated::int as upd from pg_stat_database where datname = current_database()`;
    const hot =
      await sql`select relname, n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_user_tables where n_tup_upd > 0 order by n_tup_upd desc`;
    // Sequential scans of tables the answering path should reach by index only (a plan gone wrong).
    const seq =
      await sql`select relname, seq_scan::int as scans, seq_tup_read::int as rows_read from pg_stat_user_tables where seq_tup_read > 1000 order by seq_tup_read desc limit 6`;
    console.error(
      `WAL ${JSON.stringify(wal)} TX ${JSON.stringify(tx)} HOT ${JSON.stringify(hot)} SEQ ${JSON.stringify(seq)}`,
    );
    // Buffers touched per call: the statement's work, much less moved by a busy machine than its times.
    console.error("  calls   exec ms  plan ms  blks/call  statement");
    const rows = await sql`
      select calls, round(total_exec_time::numeric) as exec_ms, round(total_plan_time::numeric) as plan_ms,
        round((shared_blks_hit + shared_blks_read)::numeric / greatest(calls, 1), 1) as blks,
        left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 150) as query
      from pg_stat_statements order by total_exec_time + total_plan_time desc limit ${limit}`;
    for (const r of rows)
      console.error(
        `${String(r.calls).padStart(7)} ${String(r.exec_ms).padStart(9)} ${String(r.plan_ms).padStart(8)} ${String(r.blks).padStart(10)}  ${r.query}`,
      );
  } finally {
    await sql.end();
  }
};
