/**
 * The instants xin stores and shows: from the Unix epoch through 9999-12-31T23:59:59.999Z.
 *
 * JavaScript dates reach year 275760 and PostgreSQL's timestamptz year 294276, but only years of four
 * digits print as plain ISO 8601 (`+099999-01-01T…` is not what API clients or PostgreSQL parse), and
 * nothing a customer, provider or admin sends means a time outside this range. One bound for every edge
 * (provider timestamps, listing filters, resume points) keeps an absurd value a 400 where it arrives
 * instead of an "Invalid Date" failing a query later.
 */
import { z } from "zod";

export const MIN_INSTANT_MS = 0;
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const isStorableInstant = (ms: number): boolean =>
  Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;

const RANGE = "in 1970–9999";

/** Epoch seconds as a number, within the storable range. */
export const epochSeconds = z
  .number()
  .refine((s) => isStorableInstant(s * 1000), { message: `expected epoch seconds ${RANGE}` });

/** Epoch milliseconds as a number, within the storable range. */
export const epochMillis = z.number().refine(isStorableInstant, { message: `expected epoch milliseconds ${RANGE}` });

/** An ISO 8601 date or date-time from a query string → Date, within the storable range. */
export const instantQuery = z.string().transform((text, ctx) => {
  const ms = /^\d{4}-\d{2}-\d{2}([T ].*)?$/.test(text) ? Date.parse(text) : Number.NaN;
  if (!isStorableInstant(ms)) {
    ctx.addIssue({ code: "custom", message: `expected an ISO 8601 date ${RANGE}, e.g. 2026-01-31T12:00:00Z` });
    return z.NEVER;
  }
  return new Date(ms);
});
