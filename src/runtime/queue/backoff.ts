/**
 * Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, with "equal jitter" (half
 * fixed, half random) so a burst of failures does not retry in lockstep, yet never retries at once.
 */
export const backoffDelay = (attempt: number, baseMs: number, maxMs: number, random = Math.random): number => {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
};
