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

/**
 * drizzle wraps a driver error in one whose message is the SQL text and its parameters (message
 * bodies, phone numbers): logs take the driver's own error under it instead.
 */
const unwrapQueryError = (e: unknown): unknown => {
  const cause = (e as { cause?: unknown })?.cause;
  return e instanceof Error && e.message.startsWith("Failed query:") && cause !== undefined ? cause : e;
};

/** Short text of any thrown value for logs; never includes a stack nor a query's parameters. */
export const errorText = (e: unknown): string => {
  const inner = unwrapQueryError(e);
  if (inner instanceof Error) return inner.message.startsWith("Failed query:") ? "query failed" : inner.message;
  return String(inner);
};

/** The code to log for any thrown value (`internal` when it is not ours). */
export const errorCode = (e: unknown): string => {
  if (isXinError(e)) return e.code;
  const pgCode = (unwrapQueryError(e) as { code?: unknown })?.code;
  return typeof pgCode === "string" ? `pg.${pgCode}` : "internal";
};

// postgres.js connection errors and the server's "cannot serve you now" classes (08: connection
// exception, 57P01–57P03: shutting down, crashed, starting up): the store is unreachable, not the request wrong.
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOENT",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

/** Whether `e` (or what it wraps) says the store cannot be reached right now: a 503, retried later. */
export const isStoreUnreachable = (e: unknown): boolean => {
  for (let cur = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    if (isXinError(cur) && cur.code === "store.unavailable") return true;
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && UNREACHABLE.has(code)) return true;
  }
  return false;
};

export const storeUnavailable = (cause?: unknown) =>
  new XinError("store.unavailable", "the store is unreachable; retry shortly", {
    status: 503,
    cause,
    data: { retry_after_s: 1 },
  });
