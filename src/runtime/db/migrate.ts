import type { Sql, TransactionSql } from "postgres";
import { sha256Hex } from "../crypto";
import { XinError } from "../errors";
import { applyStorageParameters } from "./storage";

/** A migration carried inside the binary (see embedded.gen.ts). `when` orders and identifies it. */
export type EmbeddedMigration = { tag: string; when: number; sql: string };

export type MigrationStatus = { applied: number; pending: string[]; latest: string | null; known: number };

// Any 64-bit constant unique to xin: serializes concurrent migrators across processes.
const MIGRATION_LOCK = 0x78696e6d696772n; // "xinmigr"

const ensureTable = async (tx: TransactionSql) => {
  await tx`create schema if not exists drizzle`;
  await tx`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
};

const appliedRows = async (sql: Sql | TransactionSql) =>
  (await sql<{ created_at: string }[]>`select created_at from drizzle.__drizzle_migrations order by created_at`).map((r) =>
    Number(r.created_at),
  );

const refuseUnknown = (applied: number[], migrations: EmbeddedMigration[]) => {
  const known = new Set(migrations.map((m) => m.when));
  const unknown = applied.filter((w) => !known.has(w));
  if (unknown.length > 0) {
    throw new XinError("store.migration_unknown", `the database holds ${unknown.length} migration(s) this xin binary does not know`, {
      hint: "the database was migrated by a newer xin: run that version (or newer) instead of downgrading",
      data: { unknown },
    });
  }
};

/**
 * Applies pending migrations in one transaction under an advisory lock, so two processes starting at
 * once apply them exactly once. Compatible with drizzle's migration table (same hash and created_at),
 * and, like drizzle's migrator, only applies entries newer than the last applied one: never edit or
 * reorder a released migration. Refuses a database holding a migration the binary does not know.
 * Then sets the tables' storage parameters (`storage.ts`).
 */
export const migrate = async (sql: Sql, migrations: EmbeddedMigration[]): Promise<string[]> =>
  sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    await ensureTable(tx);
    const applied = await appliedRows(tx);
    refuseUnknown(applied, migrations);
    const last = applied.length ? Math.max(...applied) : 0;
    const done: string[] = [];
    for (const m of migrations.filter((m) => m.when > last)) {
      for (const statement of m.sql.split("--> statement-breakpoint")) {
        if (statement.trim()) await tx.unsafe(statement);
      }
      await tx`insert into drizzle.__drizzle_migrations (hash, created_at) values (${sha256Hex(m.sql)}, ${m.when})`;
      done.push(m.tag);
    }
    // What drizzle's table config cannot declare (a fillfactor), checked at every start: a store made by
    // an older binary gets it too, without a migration of its own.
    await applyStorageParameters(tx);
    return done;
  });

/** What is applied and what is pending, without changing anything. */
export const migrationStatus = async (sql: Sql, migrations: EmbeddedMigration[]): Promise<MigrationStatus> => {
  const [exists] = await sql<{ ok: boolean }[]>`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`;
  const applied = exists?.ok ? await appliedRows(sql) : [];
  refuseUnknown(applied, migrations);
  const last = applied.length ? Math.max(...applied) : 0;
  const latest = migrations.filter((m) => m.when <= last).at(-1)?.tag ?? null;
  return { applied: applied.length, pending: migrations.filter((m) => m.when > last).map((m) => m.tag), latest, known: migrations.length };
};
