import type { SkippedEvent } from "../channels";
import type { Logger } from "../runtime";
import type { Metrics } from "../runtime/metrics";

/**
 * Events a provider delivered that xin acknowledges without storing (a channel's own post, a pinned-message
 * notice, an Instagram comment, an account update): counted per reason in
 * `xin_webhook_events_ignored_total` and logged, so "nothing was stored" is visible, never silent.
 * Every entrance calls it (webhooks, the Telegram poller).
 */
export const noteIgnored = (
  metrics: Metrics | undefined,
  log: Logger,
  provider: string,
  skipped: SkippedEvent[],
): void => {
  if (skipped.length === 0) return;
  const byReason = new Map<SkippedEvent["reason"], number>();
  for (const s of skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  for (const [reason, n] of byReason) metrics?.webhookIgnored.inc({ provider, reason }, n);
  // The first few details are enough to tell what was ignored; a batch of 1000 is not logged whole.
  log.info("provider events ignored", {
    channel: provider,
    ignored: skipped.length,
    details: skipped.slice(0, 5).map((s) => `${s.reason}: ${s.detail}`),
  });
};
