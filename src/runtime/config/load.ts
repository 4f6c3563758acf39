import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { XinError } from "../errors";
import { formatIssues, type Origin } from "./format";
import { configSchema, type Config } from "./schema";

type Tree = Record<string, unknown>;
/** Variables read by CLI clients, not config keys. */
const CLIENT_VARS = new Set(["XIN_CONFIG", "XIN_URL", "XIN_TOKEN"]);

/** `/var/lib/xin` as root, else `~/.local/share/xin` (XDG convention). */
export const defaultDataDir = (): string =>
  process.getuid?.() === 0 ? "/var/lib/xin" : join(homedir(), ".local", "share", "xin");

/** `--config` flag, else `XIN_CONFIG`, else `<default data dir>/xin.toml`. */
export const resolveConfigPath = (flag?: string, env: NodeJS.ProcessEnv = process.env): string =>
  resolve(flag ?? env.XIN_CONFIG ?? join(defaultDataDir(), "xin.toml"));

export const envFilePath = (dataDir: string) => join(dataDir, "xin.env");

/** Parses `KEY=VALUE` lines (comments and blank lines ignored, optional quotes stripped). */
export const parseEnvFile = (text: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[line.slice(0, eq).trim()] = value;
  }
  return out;
};

const setPath = (tree: Tree, path: string[], value: unknown) => {
  let node = tree;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Tree;
  }
  node[path[path.length - 1]] = value;
};

const applyEnv = (
  tree: Tree,
  env: Record<string, string | undefined>,
  origins: Map<string, Origin>,
  label: (k: string) => string,
) => {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("XIN_") || CLIENT_VARS.has(name) || value === undefined) continue;
    const path = name.slice(4).toLowerCase().split("__");
    setPath(tree, path, value);
    origins.set(path.join("."), { kind: "env", name: label(name) });
  }
};

const readToml = (path: string): Tree => {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
    throw new XinError(
      missing ? "config.missing" : "config.unreadable",
      missing ? `no config file at ${path}` : `cannot read ${path}`,
      {
        hint: missing
          ? "run `xin init` to create one, or pass --config FILE (or set XIN_CONFIG)"
          : "check the file's permissions",
        cause,
      },
    );
  }
  try {
    return parseToml(text) as Tree;
  } catch (cause) {
    // smol-toml says where: line and column (1-based), and the lines around them.
    const at = cause as { line?: number; column?: number; message: string };
    const where = typeof at.line === "number" ? `:${at.line}:${at.column ?? 1}` : "";
    const what = at.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    throw new XinError("config.invalid", `${path}${where} is not valid TOML: ${what}`, {
      hint: where ? `fix the syntax at line ${at.line}, column ${at.column ?? 1}` : "fix the file's syntax",
      cause,
    });
  }
};

export type LoadOptions = { path: string; env?: Record<string, string | undefined> };

/**
 * Loads, merges and validates the config. Returns a frozen Config or throws one `config.invalid`
 * XinError whose message lists every problem with key, origin, value and fix.
 */
export const loadConfig = ({ path, env = process.env }: LoadOptions): Config => {
  const tree = readToml(path);
  const origins = new Map<string, Origin>();
  for (const key of flattenKeys(tree)) origins.set(key, { kind: "file", name: path });

  // data_dir decides where the instance env file is, so resolve it before merging that file.
  const dataDirRaw = env.XIN_DATA_DIR ?? (typeof tree.data_dir === "string" ? tree.data_dir : undefined);
  if (dataDirRaw) {
    const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(dirname(path), dataDirRaw);
    const envFile = envFilePath(dataDir);
    if (existsSync(envFile)) {
      checkEnvFileMode(envFile);
      applyEnv(tree, parseEnvFile(readFileSync(envFile, "utf8")), origins, (k) => `${k} in ${envFile}`);
    }
    tree.data_dir = dataDir;
  }
  applyEnv(tree, env, origins, (k) => k);
  if (typeof tree.data_dir === "string" && !isAbsolute(tree.data_dir)) tree.data_dir = resolve(tree.data_dir);

  const parsed = configSchema.safeParse(tree);
  if (!parsed.success) {
    throw new XinError("config.invalid", formatIssues(parsed.error.issues, tree, origins, path), {
      hint: "fix the keys named above and start again",
      data: { path },
    });
  }
  return Object.freeze(parsed.data);
};

const checkEnvFileMode = (file: string) => {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new XinError(
      "config.env_file_exposed",
      `${file} holds secrets but is readable by others (mode ${mode.toString(8)})`,
      {
        hint: `run: chmod 600 ${file}`,
      },
    );
  }
};

const flattenKeys = (tree: Tree, prefix = ""): string[] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? flattenKeys(v as Tree, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
