import { isAbsolute } from "node:path";
import { usageError } from "../../runtime";
// The template is embedded as text: the compiled binary renders the same bytes the repo holds.
import template from "../../../systemd/xin.service" with { type: "text" };

/** Where a systemd install puts each part. Every path is absolute. */
export type UnitPaths = {
  user: string;
  group: string;
  binary: string;
  config: string;
  dataDir: string;
  envFile: string;
  unitFile: string;
};

/** The layout `xin systemd install` uses: the binary in /usr/local/bin, state in /var/lib/xin, operator secrets in /etc/xin. */
export const defaultPaths = (user = "xin"): UnitPaths => ({
  user,
  group: user,
  binary: "/usr/local/bin/xin",
  config: "/var/lib/xin/xin.toml",
  dataDir: "/var/lib/xin",
  envFile: "/etc/xin/xin.env",
  unitFile: "/etc/systemd/system/xin.service",
});

// A system user name as useradd accepts it; it also keeps the unit free of spaces and newlines.
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
// A path systemd takes verbatim: absolute, no whitespace, no specifier (%) or quoting characters.
const SAFE_PATH = /^\/[A-Za-z0-9._/+-]*$/;

/** Refuses a user or path that would change the unit's meaning instead of filling a placeholder. */
export const checkPaths = (p: UnitPaths): UnitPaths => {
  for (const name of [p.user, p.group]) {
    if (!USER_NAME.test(name))
      throw usageError(
        `"${name}" is not a valid user name`,
        "use lower-case letters, digits, _ and -, starting with a letter (e.g. xin)",
      );
  }
  for (const [key, path] of [
    ["binary", p.binary],
    ["config", p.config],
    ["data dir", p.dataDir],
    ["env file", p.envFile],
    ["unit file", p.unitFile],
  ] as const) {
    if (!isAbsolute(path) || !SAFE_PATH.test(path))
      throw usageError(`the ${key} path "${path}" must be absolute, without spaces or % characters`);
  }
  return p;
};

/** The unit file for these paths: the embedded template with every placeholder filled. */
export const renderUnit = (paths: UnitPaths): string => {
  const p = checkPaths(paths);
  const values: Record<string, string> = {
    USER: p.user,
    GROUP: p.group,
    BINARY: p.binary,
    CONFIG: p.config,
    DATA_DIR: p.dataDir,
    ENV_FILE: p.envFile,
  };
  return template.replace(/@([A-Z_]+)@/g, (whole, key: string) => values[key] ?? whole);
};
