import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { XinError } from "../runtime";
import { copyClusterOnline, type Store } from "../runtime/db";
import { XIN_VERSION } from "./version";

/** What a backup archive says about itself (`manifest.json` at its root). */
export const backupManifestSchema = z.object({
  format: z.literal(1),
  xin_version: z.string(),
  created_at: z.string(),
  store: z.literal("embedded"),
  latest_migration: z.string().nullable(),
  store_bytes: z.number(),
  wal_files: z.number(),
  includes_config: z.boolean(),
  includes_secrets: z.boolean(),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;
export type BackupOptions = { includeSecrets: boolean };

const tar = (args: string[], what: string) => {
  const r = spawnSync("tar", args, { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new XinError(
      "backup.tar_failed",
      `${what} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").at(-1)}`,
      { hint: "check free disk space and that `tar` is installed" },
    );
};

/**
 * One consistent archive of an embedded instance while it serves: the store as an online physical copy
 * (nothing is paused), then the blobs (content-addressed and only added, so copied after the store they
 * hold every file its rows name), the data dir's xin.toml, and its xin.env only with `includeSecrets`
 * (without it, restoring needs the instance key from elsewhere). Written under `<data_dir>/backups/`
 * (writable under the systemd sandbox); the caller moves or streams it. Nothing is left on failure.
 */
export const createBackupArchive = async (
  store: Store,
  dataDir: string,
  options: BackupOptions,
): Promise<{ path: string; manifest: BackupManifest }> => {
  if (store.kind !== "embedded") {
    throw new XinError(
      "backup.external_store",
      "xin backs up its embedded store only; this instance uses an external PostgreSQL",
      {
        hint: "back that database up with pg_dump (same major version as the server), and keep the data dir's blobs/ with it",
      },
    );
  }
  const root = join(dataDir, "backups");
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(root, ".staging-"));
  const archive = join(root, `xin-backup-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
  try {
    const copy = await copyClusterOnline(store.sql, join(dataDir, "pg"), join(staging, "pg"));
    if (existsSync(join(dataDir, "blobs"))) cpSync(join(dataDir, "blobs"), join(staging, "blobs"), { recursive: true });
    const includesConfig = existsSync(join(dataDir, "xin.toml"));
    if (includesConfig) cpSync(join(dataDir, "xin.toml"), join(staging, "xin.toml"));
    const includesSecrets = options.includeSecrets && existsSync(join(dataDir, "xin.env"));
    if (includesSecrets) cpSync(join(dataDir, "xin.env"), join(staging, "xin.env"));
    const manifest: BackupManifest = {
      format: 1,
      xin_version: XIN_VERSION,
      created_at: new Date().toISOString(),
      store: "embedded",
      latest_migration: (await store.migrationStatus()).latest,
      store_bytes: copy.bytes,
      wal_files: copy.wal_files,
      includes_config: includesConfig,
      includes_secrets: includesSecrets,
    };
    writeFileSync(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    tar(["-czf", `${archive}.tmp`, "-C", staging, "."], "packing the archive");
    renameSync(`${archive}.tmp`, archive);
    writeFileSync(
      lastBackupFile(dataDir),
      `${JSON.stringify({ created_at: manifest.created_at, bytes: archiveSize(archive) })}\n`,
      { mode: 0o600 },
    );
    return { path: archive, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(`${archive}.tmp`, { force: true });
  }
};

/** Where the last successful backup is recorded (`xin doctor` reports its age). */
export const lastBackupFile = (dataDir: string) => join(dataDir, "backups", "last.json");

const lastBackupSchema = z.object({ created_at: z.string(), bytes: z.number() });

/** When the last backup of this data dir was made, or null when none was (or the record is unreadable). */
export const lastBackup = (dataDir: string): { created_at: string; bytes: number } | null => {
  try {
    const parsed = lastBackupSchema.safeParse(JSON.parse(readFileSync(lastBackupFile(dataDir), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** Bytes of a finished archive (for Content-Length and the CLI's completeness check). */
export const archiveSize = (path: string) => statSync(path).size;

/** The archive's manifest, read without unpacking the rest; `backup.invalid` when it is not a xin backup. */
export const readManifest = (file: string): BackupManifest => {
  const r = spawnSync("tar", ["-xzOf", file, "./manifest.json"], { encoding: "utf8", maxBuffer: 1 << 20 });
  const parsed = r.status === 0 ? backupManifestSchema.safeParse(JSON.parse(r.stdout || "null")) : null;
  if (!parsed?.success)
    throw new XinError("backup.invalid", `${file} is not a xin backup (no valid manifest.json)`, {
      hint: "pass a file written by `xin backup`",
    });
  return parsed.data;
};

/** Unpacks an archive into `dataDir`, which must be missing or empty; removes what it made on failure. */
export const unpackBackup = (file: string, dataDir: string): BackupManifest => {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new XinError("restore.not_empty", `${dataDir} is not empty`, {
      hint: "restore into a new, empty folder; xin never overwrites an instance",
    });
  }
  const manifest = readManifest(file);
  const created = !existsSync(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o750 });
    tar(["-xzf", file, "-C", dataDir], "unpacking the archive");
    return manifest;
  } catch (e) {
    if (created) rmSync(dataDir, { recursive: true, force: true });
    else for (const name of readdirSync(dataDir)) rmSync(join(dataDir, name), { recursive: true, force: true });
    throw e;
  }
};
