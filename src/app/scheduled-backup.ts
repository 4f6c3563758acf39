import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Logger } from "../runtime";
import type { Store } from "../runtime/db";
import type { JobHandler } from "../runtime/queue";
import { createBackupArchive } from "./backup";

export const BACKUP_JOB = "backup.scheduled";

/** Where scheduled backups go: apart from archives a user wrote by hand, which retention never touches. */
export const scheduledBackupsDir = (dataDir: string) => join(dataDir, "backups", "scheduled");

export type ListedBackup = { file: string; bytes: number; created_at: string };

/** The scheduled backups on disk, newest first (their names carry the time they were made). */
export const listScheduledBackups = (dataDir: string): ListedBackup[] => {
  const dir = scheduledBackupsDir(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^xin-backup-.*\.tar\.gz$/.test(n));
  } catch {
    return [];
  }
  return names
    .sort()
    .reverse()
    .map((n) => {
      const stat = statSync(join(dir, n));
      return { file: join(dir, n), bytes: stat.size, created_at: stat.mtime.toISOString() };
    });
};

/** Deletes all but the newest `keep` scheduled backups; returns the files removed. */
export const pruneScheduledBackups = (dataDir: string, keep: number): string[] => {
  const old = listScheduledBackups(dataDir).slice(keep);
  for (const b of old) rmSync(b.file, { force: true });
  return old.map((b) => b.file);
};

/** The scheduler's backup: one archive (no secrets) moved into the scheduled folder, then retention. */
export const scheduledBackupHandler = (store: Store, dataDir: string, keep: number, log: Logger): JobHandler => {
  // One at a time: a slot that comes while the last backup still runs waits for it (PostgreSQL refuses
  // a second concurrent base backup of the same kind with 42710, which only burned retries).
  let running: Promise<unknown> = Promise.resolve();
  return async () => {
    const mine = running.catch(() => {}).then(() => backUp(store, dataDir, keep, log));
    running = mine;
    await mine;
  };
};

const backUp = async (store: Store, dataDir: string, keep: number, log: Logger) => {
  const { path } = await createBackupArchive(store, dataDir, { includeSecrets: false });
  mkdirSync(scheduledBackupsDir(dataDir), { recursive: true, mode: 0o700 });
  const dest = join(scheduledBackupsDir(dataDir), basename(path));
  renameSync(path, dest); // same file system: both under <data_dir>/backups
  const removed = pruneScheduledBackups(dataDir, keep);
  log.info("scheduled backup written", { file: dest, bytes: statSync(dest).size, removed: removed.length });
};
