import { createLogger, type Logger } from "../runtime";
import { loadConfig, resolveConfigPath, type Config } from "../runtime/config";

/** Logs of CLI commands (not `serve`) go to stderr at warn level: stdout belongs to the command's output. */
export const cliLogger = (): Logger =>
  createLogger({ level: "warn", sink: (line) => process.stderr.write(`${line}\n`) });

export const configFrom = (flag?: string): Config => loadConfig({ path: resolveConfigPath(flag) });
