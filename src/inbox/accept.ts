import type { ParseResult } from "../channels";
import type { TxContext } from "../runtime/db";
import type { Wake } from "../runtime/queue";
import { persistParsed, type ChannelRef, type PersistOutcome } from "./persist";

/**
 * Everything a provider delivered (one webhook request, one polled update, a widget visitor's messages)
 * stored with its follow-up jobs, inside the caller's transaction: the gateway's batches with events, the
 * Telegram poller and the widget share this path. The jobs are queued by the inbound statement and its
 * NOTIFY wakes every instance at COMMIT; this process's runner is woken directly then.
 */
export const acceptParsed = async (
  ctx: TxContext,
  wake: Wake,
  maxAttempts: number,
  channel: ChannelRef,
  parsed: ParseResult,
): Promise<PersistOutcome> => {
  const outcome = await persistParsed(ctx, maxAttempts, channel, parsed);
  if (outcome.jobs > 0) ctx.afterCommit(() => wake.notify());
  return outcome;
};
