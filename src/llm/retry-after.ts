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
