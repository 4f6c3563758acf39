/**
 * Per channel, in this process: when a provider says "wait" — a 429 with Retry-After (or Telegram's
 * `retry_after`), a 5xx, a timeout, a refused connection — every send on that channel waits, not only
 * the job that heard it. Without this, each of a backlog's deliveries asks again on its own schedule
 * and a rate-limited provider is called again within its wait (which on Telegram only extends the
 * flood ban). When the wait is over a single call probes; the others keep waiting until it answers:
 * success lifts the pause, another failure extends it (the provider's hint, else a backoff that grows
 * per consecutive failure, capped). Per-recipient limits (WhatsApp's pair rate limit) do not pause
 * the channel; they carry `scope: "recipient"`. Several instances each learn a pause from their own calls.
 */
import { isChannelError } from "../channels";
import { backoffDelay } from "../runtime/queue";

type Pause = { until: number; failures: number; probeUntil: number; lastWaitMs: number };

/** A probe that never reported back (its job crashed or was aborted) frees the channel after this long. */
const PROBE_LEASE_MS = 35_000;
const BASE_MS = 1_000;
const MAX_MS = 15_000;

export class ProviderPauses {
  private readonly paused = new Map<string, Pause>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * 0: call the provider now (the first caller after a pause ends is its probe); otherwise how long to
   * wait before asking again.
   */
  admit(channelId: string): number {
    const p = this.paused.get(channelId);
    if (!p) return 0;
    const now = this.now();
    if (now < p.until) return p.until - now;
    // While the probe is out (a hung provider holds it until the send timeout), the others look again
    // after a quarter of the last wait, at least 1 s: not every second each, which a large backlog would
    // make a flood of writes, and not so late that they stay behind long once the probe got through.
    if (now < p.probeUntil) return Math.min(p.probeUntil - now, Math.max(1_000, p.lastWaitMs / 4));
    p.probeUntil = now + PROBE_LEASE_MS;
    return 0;
  }

  /** The admitted probe did not call the provider after all (nothing left to send): another may. */
  release(channelId: string): void {
    const p = this.paused.get(channelId);
    if (p) p.probeUntil = 0;
  }

  /** Whether calls that may be skipped (read receipts, typing) should be: paused or probing. */
  holding(channelId: string): boolean {
    const p = this.paused.get(channelId);
    return p !== undefined && (this.now() < p.until || this.now() < p.probeUntil);
  }

  /**
   * Records a provider call's outcome. Returns the pause in ms when this failure started or extended
   * one (for the log), else 0. Errors that say nothing about the provider (shutdown aborts, refusals
   * of one payload or one recipient) leave the pause as it is, or lift it: the provider answered.
   */
  settle(channelId: string, error?: unknown, random = Math.random): number {
    if (error === undefined) {
      this.paused.delete(channelId);
      return 0;
    }
    if (!isChannelError(error) || error.reason === "aborted") return 0;
    if (!error.retryable || error.scope === "recipient") {
      this.paused.delete(channelId);
      return 0;
    }
    const p = this.paused.get(channelId) ?? { until: 0, failures: 0, probeUntil: 0, lastWaitMs: 0 };
    p.failures += 1;
    const wait = error.retryAfterMs ?? backoffDelay(p.failures, BASE_MS, MAX_MS, random);
    p.until = Math.max(p.until, this.now() + wait);
    p.probeUntil = 0;
    p.lastWaitMs = wait;
    this.paused.set(channelId, p);
    return wait;
  }
}
