/**
 * Maps whatever an attempt threw (SDK errors, aborts, our own parse failures) to an `LlmError`.
 * The scope is consulted first: once our deadline or the caller's signal fired, the SDK only sees "an
 * abort", and only the scope knows which one it was.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { z } from "zod";
import type { CallScope } from "./call-scope";
import { LlmError, isLlmError, safeProviderMessage, withAttempts } from "./errors";

/** Which endpoint a message talks about: "LLM" or "embeddings". */
export type ServiceLabel = "LLM" | "embeddings";

// Error bodies differ: OpenAI/vLLM send {error:{message,type,code}}, Ollama {error:"text"}; the SDK
// hands us the inner `error` value, or nothing when the body was not JSON.
const providerBody = z.union([
  z.string(),
  z.object({ message: z.unknown().optional(), code: z.unknown().optional() }).loose(),
]);

const providerDetails = (e: APIError): { message?: string; code?: string } => {
  const parsed = providerBody.safeParse(e.error);
  if (!parsed.success) return { message: e.message };
  if (typeof parsed.data === "string") return { message: parsed.data };
  const { message, code } = parsed.data;
  return {
    message: typeof message === "string" ? message : e.message,
    code: typeof code === "string" ? code : typeof code === "number" ? String(code) : undefined,
  };
};

export const toLlmError = (e: unknown, scope: CallScope, service: ServiceLabel, attempts: number): LlmError => {
  if (isLlmError(e)) return e.attempts === undefined ? withAttempts(e, attempts) : e;
  if (scope.cancelled)
    return new LlmError("llm.cancelled", `${service} call cancelled`, { retryable: false, attempts, cause: e });
  if (scope.timedOut || e instanceof APIConnectionTimeoutError) {
    return new LlmError("llm.timeout", `${service} endpoint did not answer in time`, {
      retryable: true,
      attempts,
      cause: e,
    });
  }
  if (e instanceof APIUserAbortError) {
    // An abort neither our deadline nor the caller caused: treat as cancelled rather than guess.
    return new LlmError("llm.cancelled", `${service} call aborted`, { retryable: false, attempts, cause: e });
  }
  if (e instanceof APIConnectionError) {
    return new LlmError("llm.unreachable", `${service} endpoint unreachable`, { retryable: true, attempts, cause: e });
  }
  if (e instanceof APIError) return fromStatus(e, service, attempts);
  return new LlmError("llm.invalid_response", `${service} endpoint sent a response that could not be read`, {
    retryable: false,
    attempts,
    cause: e,
  });
};

const fromStatus = (e: APIError, service: ServiceLabel, attempts: number): LlmError => {
  const status = e.status;
  const { message, code } = providerDetails(e);
  const safe = safeProviderMessage(message);
  const common = { providerStatus: status, providerCode: code, attempts, cause: e };
  if (status === 429) {
    return new LlmError("llm.rate_limited", `${service} endpoint is rate limiting requests`, {
      ...common,
      retryable: true,
      retryAfterMs: retryAfterMs(e.headers),
    });
  }
  if (status === 408) {
    return new LlmError("llm.timeout", `${service} endpoint timed out the request (408)`, {
      ...common,
      retryable: true,
    });
  }
  if (status === undefined || status >= 500) {
    // No status: an error event inside a stream that had already started (OpenAI sends these on overload).
    const label = status === undefined ? "failed mid-stream" : `failed (${status})`;
    return new LlmError("llm.provider_error", `${service} endpoint ${label}${safe ? `: ${safe}` : ""}`, {
      ...common,
      retryable: true,
      retryAfterMs: retryAfterMs(e.headers),
    });
  }
  const tag = code ? `${status} ${code}` : String(status);
  return new LlmError("llm.rejected", `${service} endpoint rejected the request (${tag})${safe ? `: ${safe}` : ""}`, {
    ...common,
    retryable: false,
  });
};

/**
 * Whether to try again inside this call. Deadline timeouts are retryable for the caller (a job may run
 * again later) but not here: the call's budget is spent. A 408 is the server giving up, so it retries.
 */
export const shouldRetryNow = (e: LlmError): boolean => {
  if (!e.retryable) return false;
  if (e.code === "llm.timeout") return e.providerStatus === 408;
  return true;
};

/**
 * How long a provider asked us to wait, from its response headers, in milliseconds.
 *
 * `retry-after-ms` (OpenAI, Azure) wins because it is precise; then `retry-after` as delta-seconds
 * (fractions allowed) or as an HTTP date. Absent, negative or unparsable values give undefined, so
 * the caller falls back to its own backoff.
 */
export const retryAfterMs = (headers: Headers | undefined, now: number = Date.now()): number | undefined => {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const raw = headers.get("retry-after")?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) * 1000);
  // Only an HTTP date (it has a weekday and month name); Date.parse would take "-1" for a year.
  if (!/[a-z]{3}/i.test(raw)) return undefined;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
};
