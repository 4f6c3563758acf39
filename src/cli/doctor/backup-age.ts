import { lastBackup } from "../../app";
import { ok, skip, warn, type Check } from "./check";

const DAY = 86_400_000;

/**
 * Age of the data dir's last `xin backup` (recorded in `<data_dir>/backups/last.json`). Warns when
 * there is none or it is older than `maxAgeDays`: a backup is what turns a lost disk into an hour's work.
 */
export const checkBackupAge = (dataDir: string, external: boolean, now = Date.now(), maxAgeDays = 7): Check => {
  if (external)
    return skip("last backup", "external PostgreSQL: back it up with pg_dump (xin backs up its embedded store)");
  const last = lastBackup(dataDir);
  const fix =
    'run `xin backup FILE` and keep the file off this machine; let xin take one daily with backup.schedule = "23 2 * * *" in xin.toml (kept in <data_dir>/backups/scheduled: copy them elsewhere too)';
  if (!last) return warn("last backup", "no backup of this instance yet", fix);
  const days = (now - Date.parse(last.created_at)) / DAY;
  const detail = `${last.created_at} (${days < 1 ? `${Math.round(days * 24)} h` : `${Math.floor(days)} day(s)`} ago)`;
  return days > maxAgeDays
    ? warn("last backup", `${detail}: older than ${maxAgeDays} days`, fix)
    : ok("last backup", detail);
};
