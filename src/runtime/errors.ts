/**
 * XinError: the one error type that crosses room boundaries.
 *
 * - `code` is stable and dotted (`config.invalid`, `webhook.signature_invalid`): tests, logs and API
 *   clients match on it, never on the message.
 * - `message` is safe to show a user or API caller: no secrets, no PII, no SQL parameters.
 * - `status` is the HTTP status the gateway answers with; `exitCode` what the CLI exits with.
 * - `hint` is the fix, printed under the message by the CLI.
 * - `data` is structured context without PII (safe for logs and JSON error bodies).
 */
export type XinErrorOptions = {
  status?: number;
  exitCode?: number;
  hint?: string;
  data?: Record<string, unknown>;
  cause?: unknown;
};

export class XinError extends Error {
  readonly code: string;
  readonly status: number;
  readonly exitCode: number;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;

  constructor(code: string, message: string, options: XinErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "XinError";
    this.code = code;
    this.status = options.status ?? 500;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
    this.data = options.data;
  }
}

export const isXinError = (e: unknown): e is XinError => e instanceof XinError;

/** A usage mistake on the command line: exit code 2, like commander's own usage errors. */
export const usageError = (message: string, hint?: string) =>
  new XinError("cli.usage", message, { status: 400, exitCode: 2, hint });

/** Short text of any thrown value for logs; never includes a stack. */
export const errorText = (e: unknown): string => {
  if (e instanceof Error) return e.message;
  return String(e);
};

/** The code to log for any thrown value (`internal` when it is not ours). */
export const errorCode = (e: unknown): string => {
  if (isXinError(e)) return e.code;
  const pgCode = (e as { code?: unknown })?.code;
  return typeof pgCode === "string" ? `pg.${pgCode}` : "internal";
};
