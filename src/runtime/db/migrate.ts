import type { Sql, TransactionSql } from "postgres";
import { sha256Hex } from "../crypto";
import { XinError } from "../errors";
import { XIN_VERSION } from "../version";
import { applyStorageParameters } from "./storage";

/** A migration carried inside the binary (see embedded.gen.ts). `when` orders and identifies it. */
export type EmbeddedMigration = { tag: string; when: number; sql: string };

export type MigrationStatus = { applied: number; pending: string[]; latest: string | null; known: number };

/** A migration applied to the database that this binary does not carry, with what the binary that applied it recorded. */
export type UnknownMigration = { when: number; tag: string | null; xin_version: string | null };

// Any 64-bit constant unique to xin: serializes concurrent migrators across processes.
const MIGRATION_LOCK = 0x78696e6d696772n; // "xinmigr"

/**
 * drizzle's table keeps only a hash and `created_at`; `drizzle.xin_migrations` adds the tag and the xin
 * version that applied each migration, so an older binary meeting a newer database can name what it
 * does not know and which xin to run instead.
 */
const ensureTables = async (tx: TransactionSql) => {
  await tx`create schema if not exists drizzle`;
  await tx`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
  await tx`create table if not exists drizzle.xin_migrations (created_at bigint primary key, tag text not null, xin_version text not null, applied_at timestamptz not null default now())`;
};

const appliedRows = async (sql: Sql | TransactionSql) =>
  (await sql<{ created_at: string }[]>`select created_at from drizzle.__drizzle_migrations order by created_at`).map(
    (r) => Number(r.created_at),
  );

const tableExists = async (sql: Sql | TransactionSql, name: string) =>
  (await sql<{ ok: boolean }[]>`select to_regclass(${name}) is not null as ok`)[0]?.ok === true;

const describeUnknown = async (sql: Sql | TransactionSql, unknown: number[]): Promise<UnknownMigration[]> => {
  const recorded = (await tableExists(sql, "drizzle.xin_migrations"))
    ? await sql<
        { created_at: string; tag: string; xin_version: string }[]
      >`select created_at, tag, xin_version from drizzle.xin_migrations where created_at = any(${unknown.map(String)}::bigint[])`
    : [];
  const byWhen = new Map(recorded.map((r) => [Number(r.created_at), r]));
  return unknown.map((when) => ({
    when,
    tag: byWhen.get(when)?.tag ?? null,
    xin_version: byWhen.get(when)?.xin_version ?? null,
  }));
};

/** The highest of dotted versions (numeric parts compared as numbers). */
const newestVersion = (versions: string[]): string | null => {
  const parts = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return (
    versions
      .toSorted((a, b) => {
        const [pa, pb] = [parts(a), parts(b)];
        for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
          const [x, y] = [pa[i] ?? 0, pb[i] ?? 0];
          if (x !== y)
            return typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        }
        return 0;
      })
      .at(-1) ?? null
  );
};

/** `store.migration_unknown`: which migrations, which xin applied them, and the two ways out (run that xin, or restore). */
export const unknownMigrationError = (unknown: UnknownMigration[], migrations: EmbeddedMigration[]): XinError => {
  const names = unknown.map((u) => u.tag ?? `created_at ${u.when} (${new Date(u.when).toISOString()})`);
  const versions = [...new Set(unknown.flatMap((u) => (u.xin_version ? [u.xin_version] : [])))];
  const newest = newestVersion(versions);
  const by = newest ? `by xin ${versions.join(", ")}` : "by a newer xin";
  const latestKnown = migrations.at(-1)?.tag ?? "none";
  return new XinError(
    "store.migration_unknown",
    `the database was migrated ${by}: this xin ${XIN_VERSION} does not know the migration(s) ${names.join(", ")} (it knows up to ${latestKnown}) and will not touch it`,
    {
      hint: `run xin ${newest ? `${newest} or newer` : "at the version that migrated it (or newer)"} on this database; to go back to xin ${XIN_VERSION}, restore the backup taken before the upgrade into an empty data dir: \`xin restore FILE --data-dir DIR\` (\`xin upgrade\` keeps it in <data_dir>/backups/upgrade/)`,
      data: { unknown, this_version: XIN_VERSION, needs_version: newest },
    },
  );
};

const refuseUnknown = async (sql: Sql | TransactionSql, applied: number[], migrations: EmbeddedMigration[]) => {
  const known = new Set(migrations.map((m) => m.when));
  const unknown = applied.filter((w) => !known.has(w));
  if (unknown.length > 0) throw unknownMigrationError(await describeUnknown(sql, unknown), migrations);
};

/**
 * Applies pending migrations in one transaction under an advisory lock, so two processes starting at
 * once apply them exactly once. Compatible with drizzle's migration table (same hash and created_at),
 * and, like drizzle's migrator, only applies entries newer than the last applied one: never edit or
 * reorder a released migration. Refuses a database holding a migration the binary does not know.
 * `version` is the xin recorded as having applied them (this binary's, except in tests).
 * Then sets the tables' storage parameters (`storage.ts`).
 */
export const migrate = async (sql: Sql, migrations: EmbeddedMigration[], version = XIN_VERSION): Promise<string[]> =>
  sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    await ensureTables(tx);
    const applied = await appliedRows(tx);
    await refuseUnknown(tx, applied, migrations);
    const last = applied.length ? Math.max(...applied) : 0;
    const done: string[] = [];
    for (const m of migrations.filter((m) => m.when > last)) {
      for (const statement of m.sql.split("--> statement-breakpoint")) {
        if (statement.trim()) await tx.unsafe(statement);
      }
      await tx`insert into drizzle.__drizzle_migrations (hash, created_at) values (${sha256Hex(m.sql)}, ${m.when})`;
      await tx`insert into drizzle.xin_migrations (created_at, tag, xin_version) values (${m.when}, ${m.tag}, ${version}) on conflict (created_at) do nothing`;
      done.push(m.tag);
    }
    // What drizzle's table config cannot declare (a fillfactor), checked at every start: a store made by
    // an older binary gets it too, without a migration of its own.
    await applyStorageParameters(tx);
    return done;
  });

/** What is applied and what is pending, without changing anything; refuses a database migrated by a newer xin. */
export const migrationStatus = async (sql: Sql, migrations: EmbeddedMigration[]): Promise<MigrationStatus> => {
  const applied = (await tableExists(sql, "drizzle.__drizzle_migrations")) ? await appliedRows(sql) : [];
  await refuseUnknown(sql, applied, migrations);
  const last = applied.length ? Math.max(...applied) : 0;
  const latest = migrations.filter((m) => m.when <= last).at(-1)?.tag ?? null;
  return {
    applied: applied.length,
    pending: migrations.filter((m) => m.when > last).map((m) => m.tag),
    latest,
    known: migrations.length,
  };
};
