import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { parseEnvFile } from "../../runtime/config";
import type { Facts } from "./plan";
import type { UnitPaths } from "./unit";

/** The HTTP port the installed instance listens on: the env file wins over xin.toml, as at load time. */
const configuredPort = (paths: UnitPaths): number | null => {
  if (!existsSync(paths.config)) return null;
  const fromEnv = existsSync(paths.envFile)
    ? parseEnvFile(readFileSync(paths.envFile, "utf8")).XIN_SERVER__PORT
    : undefined;
  const server = (parseToml(readFileSync(paths.config, "utf8")) as { server?: { port?: unknown } }).server;
  const port = Number(fromEnv ?? server?.port ?? 8080);
  return Number.isInteger(port) ? port : 8080;
};

/** Reads what the machine already has, for `installPlan` / `uninstallPlan`. Changes nothing. */
export const readFacts = (paths: UnitPaths, sourceBinary: string): Facts => ({
  sourceBinary,
  userExists: spawnSync("id", ["-u", paths.user]).status === 0,
  envFileExists: existsSync(paths.envFile),
  configExists: existsSync(paths.config),
  unitExists: existsSync(paths.unitFile),
  configuredPort: configuredPort(paths),
});
