import { existsSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import { fail, ok, warn, type Check } from "./check";

const GiB = 1024 ** 3;
const human = (bytes: number) =>
  bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;

/**
 * Free space verdict. PostgreSQL stops accepting writes when its disk fills (and WAL keeps growing
 * until a checkpoint), so below 512 MiB messages are at risk; below 2 GiB, or under 5 % of the disk
 * (a share that shrinks fast on a busy small disk), is a warning.
 */
export const diskVerdict = (free: number, total: number): "ok" | "warn" | "fail" => {
  const share = total > 0 ? free / total : 0;
  if (free < 512 * 1024 ** 2) return "fail";
  if (free < 2 * GiB || share < 0.05) return "warn";
  return "ok";
};

/** Free space on the file system holding the data dir (or its nearest existing parent before `xin init`). */
export const checkDisk = (dataDir: string): Check => {
  let dir = dataDir;
  while (!existsSync(dir) && dir !== dirname(dir)) dir = dirname(dir);
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  const total = fs.blocks * fs.bsize;
  const detail = `${human(free)} free of ${human(total)} under ${dir}`;
  const verdict = diskVerdict(free, total);
  if (verdict === "fail")
    return fail("disk", detail, "free space on that disk (old backups, logs), or move data_dir to a larger one");
  if (verdict === "warn")
    return warn("disk", detail, "free space soon: the store stops accepting messages when the disk is full");
  return ok("disk", detail);
};
