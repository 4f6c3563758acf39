/**
 * Errors of the llm room. Every failure of `chat`, `stream` and `embed` is an `LlmError` with one of
 * these stable codes; callers branch on `code` and `retryable`, never on the message:
 * - `llm.unreachable`      connection refused/reset, DNS: retryable.
 * - `llm.rate_limited`     429 left after our retries (or a Retry-After beyond the budget): retryable,
 *                          not before `retryAfterMs` when the provider said so.
 * - `llm.timeout`          our deadline passed (or the provider answered 408): retryable.
 * - `llm.provider_error`   5xx left after our retries: retryable.
 * - `llm.rejected`         any other 4xx (bad request, auth, unknown model): final; the message carries
 *                          the provider's own message, made safe (redacted, one line, bounded).
 * - `llm.invalid_response` a 2xx whose body we cannot use (no choices, wrong vector count/size): final.
 * - `llm.cancelled`        the caller's own AbortSignal fired: final, nothing to retry.
 * Messages never contain prompts, customer text or keys.
 */
import { XinError, redactText } from "../runtime";

export type LlmErrorCode =
  | "llm.unreachable"
  | "llm.rate_limited"
  | "llm.timeout"
  | "llm.provider_error"
  | "llm.rejected"
  | "llm.invalid_response"
  | "llm.cancelled";

export type LlmErrorOptions = {
  retryable: boolean;
  /** HTTP status the provider answered with, when it answered. */
  providerStatus?: number;
  /** The provider's error code (`invalid_api_key`, `model_not_found`), when it sent one. */
  providerCode?: string;
  retryAfterMs?: number;
  attempts?: number;
  cause?: unknown;
};

const HTTP_STATUS: Record<LlmErrorCode, number> = {
  "llm.unreachable": 503,
  "llm.rate_limited": 429,
  "llm.timeout": 504,
  "llm.provider_error": 502,
  "llm.rejected": 502,
  "llm.invalid_response": 502,
  "llm.cancelled": 499,
};

export class LlmError extends XinError {
  override readonly code: LlmErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly providerStatus?: number;
  readonly providerCode?: string;
  readonly attempts?: number;

  constructor(code: LlmErrorCode, message: string, options: LlmErrorOptions) {
    super(code, message, {
      status: HTTP_STATUS[code],
      data: {
        retryable: options.retryable,
        provider_status: options.providerStatus,
        provider_code: options.providerCode,
        retry_after_ms: options.retryAfterMs,
        attempts: options.attempts,
      },
      cause: options.cause,
    });
    this.name = "LlmError";
    this.code = code;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.providerStatus = options.providerStatus;
    this.providerCode = options.providerCode;
    this.attempts = options.attempts;
  }
}

/** The same error, stamped with how many attempts were made (errors are immutable once thrown). */
export const withAttempts = (e: LlmError, attempts: number): LlmError =>
  e.attempts === attempts
    ? e
    : new LlmError(e.code, e.message, {
        retryable: e.retryable,
        providerStatus: e.providerStatus,
        providerCode: e.providerCode,
        retryAfterMs: e.retryAfterMs,
        attempts,
        cause: e.cause,
      });

export const isLlmError = (e: unknown): e is LlmError => e instanceof LlmError;

const SECRET_LIKE = /\b(sk|pk|rk)-[A-Za-z0-9_*-]{6,}/g;
const MAX_PROVIDER_MESSAGE = 240;

/**
 * A provider's error message made safe to show an operator: one line, control characters removed,
 * secrets, e-mails and phone numbers redacted (providers echo key fragments: "Incorrect API key
 * provided: sk-ab***"), bounded in length.
 */
export const safeProviderMessage = (message: string | undefined): string | undefined => {
  if (message === undefined) return undefined;
  // Strip control characters and collapse whitespace so a provider cannot inject log lines.
  const oneLine = message
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (oneLine.length === 0) return undefined;
  const redacted = redactText(oneLine.replace(SECRET_LIKE, "$1-[redacted]"));
  return redacted.length > MAX_PROVIDER_MESSAGE ? `${redacted.slice(0, MAX_PROVIDER_MESSAGE - 1)}…` : redacted;
};
