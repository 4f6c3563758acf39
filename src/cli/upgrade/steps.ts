import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createBackupArchive } from "../../app";
import type { Config } from "../../runtime/config";
import { downloadBackup, moveFile } from "../backup";
import { cliLogger } from "../context";
import { viaServerOrStore } from "../with-store";

/** Where `xin upgrade` keeps the backup it takes first (the refusal of an older binary points here too). */
export const upgradeBackupDir = (dataDir: string) => join(dataDir, "backups", "upgrade");

/**
 * A full backup (secrets included: it stays in the data dir, beside xin.env) before anything changes:
 * through the running server when one runs, else on the store directly.
 */
export const backupBeforeUpgrade = async (
  config: Config,
  fromVersion: string,
): Promise<{ path: string; bytes: number }> => {
  const dir = upgradeBackupDir(config.data_dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `xin-${fromVersion}-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
  await viaServerOrStore(config, cliLogger(), {
    api: () => downloadBackup(config, path, true),
    store: async (store) =>
      moveFile((await createBackupArchive(store, config.data_dir, { includeSecrets: true })).path, path),
  });
  return { path, bytes: statSync(path).size };
};

/** Upgrade backups kept: each upgrade adds one, so older ones go once a newer upgrade has succeeded. */
export const UPGRADE_BACKUPS_KEPT = 3;

/** Deletes all but the newest `keep` upgrade backups (names sort by time); returns the deleted names. */
export const pruneUpgradeBackups = (dataDir: string, keep = UPGRADE_BACKUPS_KEPT): string[] => {
  const dir = upgradeBackupDir(dataDir);
  const archives = readdirSync(dir)
    .filter((f) => f.startsWith("xin-") && f.endsWith(".tar.gz"))
    .sort((a, b) => statSync(join(dir, a)).mtimeMs - statSync(join(dir, b)).mtimeMs);
  const old = archives.slice(0, Math.max(0, archives.length - keep));
  for (const f of old) rmSync(join(dir, f), { force: true });
  return old;
};

/** The last lines of a log, for an error that says why a start failed. */
export const tail = (text: string, lines = 8): string =>
  text
    .trim()
    .split("\n")
    .slice(-lines)
    .map((l) => `    ${l}`)
    .join("\n");
