import type { CertInfo } from "./x509";
import type { CertState } from "./files";

const DAY_MS = 86_400_000;
const BACKOFF_FIRST_MS = 15 * 60_000;
const BACKOFF_MAX_MS = DAY_MS;

/**
 * When a certificate is renewed: `daysBefore` days before it expires, but never before two thirds of
 * its lifetime have passed. For a 90-day Let's Encrypt certificate both mean 30 days left; a 6-day or
 * 45-day one would be "due" from birth by the days rule alone (renewed at every check), so it is
 * renewed at two thirds, which still leaves a third of its life for retries with backoff.
 */
export const renewalDueAt = (cert: Pick<CertInfo, "notBefore" | "notAfter">, daysBefore: number): Date => {
  const byDays = cert.notAfter.getTime() - daysBefore * DAY_MS;
  const byLifetime = cert.notBefore.getTime() + ((cert.notAfter.getTime() - cert.notBefore.getTime()) * 2) / 3;
  return new Date(Math.max(byDays, byLifetime));
};

/** After the n-th failure in a row: 15 min, 30 min, 1 h … capped at a day, so a CA outage is not hammered. */
export const backoffAfter = (failures: number): number =>
  Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(0, failures - 1), BACKOFF_MAX_MS);

export type RenewalDecision = { renew: true } | { renew: false; reason: "not_due" | "backing_off"; until: Date };

export const decideRenewal = (cert: CertInfo, state: CertState, now: Date, daysBefore: number): RenewalDecision => {
  const due = renewalDueAt(cert, daysBefore);
  if (now < due) return { renew: false, reason: "not_due", until: due };
  const next = state.next_attempt_at ? new Date(state.next_attempt_at) : null;
  if (next && now < next) return { renew: false, reason: "backing_off", until: next };
  return { renew: true };
};
