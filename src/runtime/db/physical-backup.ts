import { copyFileSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Sql } from "postgres";
import { XinError } from "../errors";

// Files a physical copy must leave out: the running server's lock and options, WAL (copied bounded
// below), replication slot state and temp files.
const SKIP = new Set(["postmaster.pid", "postmaster.opts", "pg_wal", "pg_replslot", "pgsql_tmp"]);

const isGone = (e: unknown) => (e as NodeJS.ErrnoException).code === "ENOENT";

/** Copies a tree while PostgreSQL writes to it: files that vanish mid-copy (temp files, recycled WAL) are skipped. */
const copyTree = (from: string, to: string, top: boolean): number => {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  let bytes = 0;
  let names: string[];
  try {
    names = readdirSync(from);
  } catch (e) {
    if (isGone(e)) return 0;
    throw e;
  }
  for (const name of names) {
    if (SKIP.has(name) && (top || name === "pgsql_tmp")) {
      if (name === "pg_wal" || name === "pg_replslot") mkdirSync(join(to, name), { recursive: true, mode: 0o700 });
      continue;
    }
    const src = join(from, name);
    const dst = join(to, name);
    try {
      const st = lstatSync(src);
      if (st.isDirectory()) bytes += copyTree(src, dst, false);
      else if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
      else {
        copyFileSync(src, dst);
        bytes += st.size;
      }
    } catch (e) {
      if (!isGone(e)) throw e;
    }
  }
  return bytes;
};

export type PhysicalBackup = { bytes: number; wal_files: number; label: string };

/**
 * An online, consistent copy of a running cluster into `dest` (PostgreSQL's low-level base backup):
 * between `pg_backup_start` and `pg_backup_stop` the data files are copied as they are, then the WAL
 * from the start to the stop location and the backup label, so the copy's first start replays to the
 * moment of `pg_backup_stop`. Writers are never paused. A temporary replication slot keeps that WAL
 * from being recycled during the copy. Same PostgreSQL major version only.
 */
export const copyClusterOnline = async (sql: Sql, pgdata: string, dest: string): Promise<PhysicalBackup> => {
  const c = await sql.reserve();
  try {
    await c`select pg_create_physical_replication_slot(${`xin_backup_${process.pid}`}, true, true)`;
    await c`select pg_backup_start('xin backup', true)`;
    const bytes = copyTree(pgdata, dest, true);
    const [stop] = await c<
      { lsn: string; labelfile: string; spcmapfile: string | null }[]
    >`select * from pg_backup_stop(false)`;
    const first = /START WAL LOCATION: .* \(file ([0-9A-F]{24})\)/.exec(stop.labelfile)?.[1];
    if (!first)
      throw new XinError("backup.label_unreadable", "PostgreSQL returned a backup label without a start WAL file");
    const [{ last }] = await c<{ last: string }[]>`select pg_walfile_name(${stop.lsn}) as last`;
    let walFiles = 0;
    for (const f of readdirSync(join(pgdata, "pg_wal"))) {
      const segment = /^[0-9A-F]{24}$/.test(f) && f >= first && f <= last;
      if (!segment && !f.endsWith(".history")) continue;
      copyFileSync(join(pgdata, "pg_wal", f), join(dest, "pg_wal", f));
      walFiles += 1;
    }
    mkdirSync(join(dest, "pg_wal", "archive_status"), { recursive: true, mode: 0o700 });
    writeFileSync(join(dest, "backup_label"), stop.labelfile, { mode: 0o600 });
    if (stop.spcmapfile) writeFileSync(join(dest, "tablespace_map"), stop.spcmapfile, { mode: 0o600 });
    return { bytes, wal_files: walFiles, label: stop.labelfile };
  } finally {
    c.release();
  }
};
