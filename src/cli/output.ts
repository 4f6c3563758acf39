import { isXinError } from "../runtime";

/** Exit codes: 0 ok, 1 error, 2 usage. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

/**
 * Prints a command's result: with `--json`, one JSON document on stdout and nothing else there;
 * otherwise the human rendering. Keeps stdout clean for scripts either way.
 */
export const report = <T>(data: T, options: { json?: boolean }, human: (data: T) => string) => {
  process.stdout.write(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${human(data)}\n`);
};

/** The CLI's error printout: one line with the message, the fix under it. Never a stack trace. */
export const formatError = (e: unknown): { text: string; exitCode: number; json: unknown } => {
  if (isXinError(e)) {
    const hint = e.hint ? `\n  fix: ${e.hint}` : "";
    return {
      text: `xin: ${e.message}${hint}`,
      exitCode: e.exitCode,
      json: { error: { code: e.code, message: e.message, hint: e.hint ?? null } },
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return {
    text: `xin: unexpected error: ${message}`,
    exitCode: EXIT.error,
    json: { error: { code: "internal", message, hint: null } },
  };
};

/** A two-column table for human output. */
export const table = (rows: [string, string | number][]): string => {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n");
};
