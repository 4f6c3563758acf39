import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname } from "node:path";
import { XinError } from "../../errors";

export type ServiceIds = { uid: number; gid: number; name: string } | null;
export const SERVICE_USER = "xin";

const lookup = (name: string): { uid: number; gid: number } | null => {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

/**
 * PostgreSQL refuses to run as root. As root, returns the unprivileged system user `xin` (created when
 * `create` is set, as `xin init` does); as any other user, null: the server runs as that user.
 */
export const serviceIds = (options: { create: boolean }): ServiceIds => {
  if (process.getuid?.() !== 0) return null;
  let ids = lookup(SERVICE_USER);
  if (!ids && options.create) {
    const made = spawnSync(
      "useradd",
      ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SERVICE_USER],
      {
        encoding: "utf8",
      },
    );
    if (made.status !== 0) {
      throw new XinError(
        "store.user_create_failed",
        `cannot create the system user ${SERVICE_USER}: ${made.stderr.trim() || made.error?.message}`,
        {
          hint: `create it yourself: useradd --system --no-create-home --shell /usr/sbin/nologin ${SERVICE_USER}`,
        },
      );
    }
    ids = lookup(SERVICE_USER);
  }
  if (!ids) {
    throw new XinError("store.user_missing", `the system user ${SERVICE_USER} does not exist`, {
      hint: "run `xin init` as root (it creates the user), or create it with useradd --system",
    });
  }
  return { ...ids, name: SERVICE_USER };
};

/**
 * The service user must be able to enter every parent folder of the data dir, or PostgreSQL cannot
 * reach its files. Names the first folder that blocks it, with the fix.
 */
export const assertReachable = (dataDir: string, ids: ServiceIds) => {
  if (!ids) return;
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      throw new XinError(
        "store.dir_unreachable",
        `the user ${ids.name}, which runs the embedded PostgreSQL, cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)})`,
        {
          hint: `choose a data dir under a folder it can enter (the default is /var/lib/xin), or run: chmod o+x ${dir}`,
        },
      );
    }
    if (dir === "/") return;
  }
};
