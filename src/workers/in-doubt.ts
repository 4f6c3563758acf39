import type { InDoubtPolicy } from "../channels";

/** What the delivery worker does with a queued message whose last send attempt has no known outcome. */
export type InDoubtStep =
  /** Not settled yet: run again after `ms` (a status webhook may still arrive). */
  | { kind: "wait"; ms: number }
  /** Send again under a new attempt (it may reach the customer twice: counted). */
  | { kind: "resend" }
  /** Do not send again: fail the message to the agents, who see the draft. */
  | { kind: "hold" };

/**
 * Applies a channel's in-doubt policy. The wait for a status webhook counts from the later of the
 * attempt and `listeningSince` (when this process began taking webhooks): statuses the provider sent
 * while xin was down arrive only with the provider's retries after the restart, so a window that had
 * run out during the outage would wrongly give up on them.
 */
export const inDoubtStep = (
  policy: InDoubtPolicy,
  at: { attemptedAt: number; listeningSince: number; now: number },
  waitMs?: number,
): InDoubtStep => {
  switch (policy.kind) {
    case "no_doubt":
    case "resend":
      return { kind: "resend" };
    case "hold":
      return { kind: "hold" };
    case "await_status": {
      const deadline = Math.max(at.attemptedAt, at.listeningSince) + (waitMs ?? policy.waitMs);
      return at.now < deadline ? { kind: "wait", ms: deadline - at.now } : { kind: policy.otherwise };
    }
  }
};

/**
 * Whether a failed send may still have reached the provider: the request left but no answer came back
 * (timeout, a broken connection, an abort mid-call). Any provider answer — an error status included —
 * means it was not sent.
 */
export const outcomeUnknown = (reason: string | undefined): boolean =>
  reason === "timeout" || reason === "network" || reason === "aborted";
