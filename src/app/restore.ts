import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, stringify } from "smol-toml";
import { XinError, type Logger } from "../runtime";
import { assertReachable, serviceIds, Store } from "../runtime/db";
import { acquireInstanceLock } from "../runtime/instance-lock";
import { unpackBackup, type BackupManifest } from "./backup";

/** Opens the restored store once under the data dir's lock and closes it: PostgreSQL replays its WAL. */
const openOnce = async (dataDir: string, log: Logger) => {
  const release = acquireInstanceLock(dataDir, "restore");
  const store = new Store({ dataDir, poolMax: 2, log });
  try {
    await store.open({ migrate: false });
  } finally {
    await store.close();
    release();
  }
};

export type RestoreResult = {
  data_dir: string;
  config: string | null;
  manifest: BackupManifest;
  needs_secrets: boolean;
};

/**
 * Restores a `xin backup` archive into a new data dir: unpacks it, points its xin.toml at the new
 * folder, gives the files to the user the embedded PostgreSQL runs as, and starts the store once, so
 * the copy replays its WAL to the backup's moment and is proven to open. Nothing is left on failure.
 */
export const restoreInstance = async (file: string, dataDirIn: string, log: Logger): Promise<RestoreResult> => {
  const dataDir = resolve(dataDirIn);
  if (!existsSync(file))
    throw new XinError("restore.missing", `no backup at ${file}`, { hint: "pass the archive `xin backup` wrote" });
  const manifest = unpackBackup(file, dataDir);
  try {
    const configPath = join(dataDir, "xin.toml");
    if (manifest.includes_config) {
      const config = parse(readFileSync(configPath, "utf8"));
      writeFileSync(configPath, `${stringify({ ...config, data_dir: dataDir })}\n`, { mode: 0o640 });
    }
    const ids = serviceIds({ create: true });
    if (ids) {
      const r = spawnSync("chown", ["-R", `${ids.uid}:${ids.gid}`, dataDir], { encoding: "utf8" });
      if (r.status !== 0)
        throw new XinError("restore.chown_failed", `cannot give ${dataDir} to ${ids.name}: ${r.stderr.trim()}`);
    }
    assertReachable(dataDir, ids);
    await openOnce(dataDir, log);
    return {
      data_dir: dataDir,
      config: manifest.includes_config ? configPath : null,
      manifest,
      needs_secrets: !manifest.includes_secrets,
    };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
};

export type StoreRollback = {
  manifest: BackupManifest;
  /** Where the replaced store and blobs were moved (kept, never deleted). */ replaced: string;
};

/**
 * As root, the restored files go to whoever owned the ones they replace (the systemd unit's user, or the
 * embedded PostgreSQL's service user), so the same service opens them; as anyone else they are ours.
 */
const giveToOwner = (paths: string[], ownerOf: string | null) => {
  if (process.getuid?.() !== 0) return;
  const st = ownerOf && existsSync(ownerOf) ? statSync(ownerOf) : null;
  const ids = st ? { uid: st.uid, gid: st.gid } : serviceIds({ create: true });
  if (!ids) return;
  for (const path of paths.filter((p) => existsSync(p))) {
    const r = spawnSync("chown", ["-R", `${ids.uid}:${ids.gid}`, path], { encoding: "utf8" });
    if (r.status !== 0)
      throw new XinError("restore.chown_failed", `cannot give ${path} to uid ${ids.uid}: ${r.stderr.trim()}`);
  }
};

/**
 * Puts an existing data dir's store and blobs back to an archive's (the rollback of `xin upgrade`),
 * keeping its config and secrets: the archive is unpacked beside them, the current `pg/` and `blobs/`
 * are moved into `replaced` (kept: nothing written since the backup is deleted), the unpacked ones
 * renamed in, and the store opened once to replay its WAL. No xin may be running on the data dir.
 */
export const rollBackStore = async (file: string, dataDirIn: string, log: Logger): Promise<StoreRollback> => {
  const dataDir = resolve(dataDirIn);
  const root = join(dataDir, "backups", "upgrade");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const staging = join(root, `.unpack-${stamp}`);
  const replaced = join(root, `replaced-${stamp}`);
  const manifest = unpackBackup(file, staging);
  const moved: string[] = [];
  try {
    mkdirSync(replaced, { recursive: true, mode: 0o700 });
    for (const part of ["pg", "blobs"]) {
      if (existsSync(join(dataDir, part))) {
        renameSync(join(dataDir, part), join(replaced, part));
        moved.push(part);
      }
      if (existsSync(join(staging, part))) renameSync(join(staging, part), join(dataDir, part));
    }
  } catch (e) {
    // Put back what was moved away, so a failed rollback leaves the data dir as it found it.
    for (const part of moved) {
      rmSync(join(dataDir, part), { recursive: true, force: true });
      renameSync(join(replaced, part), join(dataDir, part));
    }
    throw e;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  giveToOwner([join(dataDir, "pg"), join(dataDir, "blobs")], moved.includes("pg") ? join(replaced, "pg") : null);
  await openOnce(dataDir, log);
  return { manifest, replaced };
};
