/** How a polled channel is doing, for `xin status` and `/metrics`. */
export type PollHealth = {
  channel_id: string;
  provider: string;
  state: "polling" | "failing";
  /** Failed polls in a row (0 while polling). */
  failures: number;
  last_error: string | null;
  /** When the channel entered its current state. */
  since: string;
  /** While failing: the wait before the next try. */
  retry_in_ms: number | null;
};

/**
 * The wait after the n-th failed poll in a row: 5 s, doubling, at most 5 minutes — a revoked bot token
 * or an unreachable API is retried for good, but not every 5 s in the log forever.
 */
export const pollRetryMs = (failures: number): number =>
  Math.min(300_000, 5_000 * 2 ** Math.max(0, Math.min(failures, 10) - 1));

/** The health of every channel this process polls: one record per channel, updated by its loop. */
export class PollHealthBoard {
  private readonly byChannel = new Map<string, PollHealth>();

  ok(channelId: string, provider: string): void {
    const cur = this.byChannel.get(channelId);
    if (cur?.state === "polling") return;
    this.byChannel.set(channelId, {
      channel_id: channelId,
      provider,
      state: "polling",
      failures: 0,
      last_error: null,
      since: new Date().toISOString(),
      retry_in_ms: null,
    });
  }

  /** Records a failed poll; returns the wait before the next one. */
  failed(channelId: string, provider: string, error: string): number {
    const cur = this.byChannel.get(channelId);
    const failures = (cur?.state === "failing" ? cur.failures : 0) + 1;
    const retry = pollRetryMs(failures);
    this.byChannel.set(channelId, {
      channel_id: channelId,
      provider,
      state: "failing",
      failures,
      last_error: error,
      since: cur?.state === "failing" ? cur.since : new Date().toISOString(),
      retry_in_ms: retry,
    });
    return retry;
  }

  forget(channelId: string): void {
    this.byChannel.delete(channelId);
  }

  list(): PollHealth[] {
    return [...this.byChannel.values()];
  }
}
