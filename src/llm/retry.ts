/**
 * Bounded retries for one call: capped exponential backoff with jitter, Retry-After honoured, all
 * inside the call's deadline (a wait that would outlive the budget is not started; the last error is
 * thrown instead, carrying `retryAfterMs` so a job queue can reschedule). The SDK's own retries are
 * disabled (see sdk.ts), so attempts counted here are the requests the endpoint sees.
 */
import type { Logger } from "../runtime";
import type { CallScope } from "./call-scope";
import { shouldRetryNow, toLlmError, type ServiceLabel } from "./classify";

export type RetryPolicy = {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step; doubles per retry. */
  baseDelayMs: number;
  /** Cap on one backoff step (not on a provider's Retry-After, which only the deadline bounds). */
  maxDelayMs: number;
};

export const DEFAULT_RETRY_DELAYS = { baseDelayMs: 500, maxDelayMs: 8_000 } as const;

/**
 * Delay before retry number `retry` (0-based): half the capped step plus a random half, so clients
 * hit by the same outage spread out but never retry immediately.
 */
export const backoffDelayMs = (retry: number, policy: RetryPolicy, random: () => number = Math.random): number => {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(step / 2 + random() * (step / 2));
};

export type RetryContext = {
  scope: CallScope;
  policy: RetryPolicy;
  service: ServiceLabel;
  log: Logger;
};

export type Attempted<T> = { value: T; attempts: number };

/** Runs `attempt` until it succeeds or fails for good; every failure leaves as an `LlmError`. */
export const withRetries = async <T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  ctx: RetryContext,
): Promise<Attempted<T>> => {
  const started = Date.now();
  for (let retry = 0; ; retry++) {
    const attempts = retry + 1;
    try {
      return { value: await attempt(ctx.scope.signal), attempts };
    } catch (thrown) {
      const error = toLlmError(thrown, ctx.scope, ctx.service, attempts);
      if (!shouldRetryNow(error) || retry >= ctx.policy.maxRetries) throw error;
      const delay = error.retryAfterMs ?? backoffDelayMs(retry, ctx.policy);
      if (delay >= ctx.scope.remainingMs()) throw error;
      ctx.log.warn("will retry", {
        err_code: error.code,
        provider_status: error.providerStatus,
        attempt: attempts,
        retrying_in_ms: delay,
        elapsed_ms: Date.now() - started,
      });
      try {
        await ctx.scope.sleep(delay);
      } catch (aborted) {
        throw toLlmError(aborted, ctx.scope, ctx.service, attempts);
      }
    }
  }
};
