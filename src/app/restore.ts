import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, stringify } from "smol-toml";
import { XinError, type Logger } from "../runtime";
import { assertReachable, serviceIds, Store } from "../runtime/db";
import { acquireInstanceLock } from "../runtime/instance-lock";
import { unpackBackup, type BackupManifest } from "./backup";

export type RestoreResult = { data_dir: string; config: string | null; manifest: BackupManifest; needs_secrets: boolean };

/**
 * Restores a `xin backup` archive into a new data dir: unpacks it, points its xin.toml at the new
 * folder, gives the files to the user the embedded PostgreSQL runs as, and starts the store once, so
 * the copy replays its WAL to the backup's moment and is proven to open. Nothing is left on failure.
 */
export const restoreInstance = async (file: string, dataDirIn: string, log: Logger): Promise<RestoreResult> => {
  const dataDir = resolve(dataDirIn);
  if (!existsSync(file)) throw new XinError("restore.missing", `no backup at ${file}`, { hint: "pass the archive `xin backup` wrote" });
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
      if (r.status !== 0) throw new XinError("restore.chown_failed", `cannot give ${dataDir} to ${ids.name}: ${r.stderr.trim()}`);
    }
    assertReachable(dataDir, ids);
    const release = acquireInstanceLock(dataDir, "restore");
    const store = new Store({ dataDir, poolMax: 2, log });
    try {
      await store.open({ migrate: false });
    } finally {
      await store.close();
      release();
    }
    return { data_dir: dataDir, config: manifest.includes_config ? configPath : null, manifest, needs_secrets: !manifest.includes_secrets };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
};
