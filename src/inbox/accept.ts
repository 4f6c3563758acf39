import type { ParseResult } from "../channels";
import type { TxContext } from "../runtime/db";
import { enqueueJobs, type Wake } from "../runtime/queue";
import { persistParsed, type ChannelRef, type PersistOutcome } from "./persist";

/**
 * Everything a provider delivered (one webhook request, or one polled update) stored with its
 * follow-up jobs, inside the caller's transaction: the gateway and the Telegram poller share this path.
 */
export const acceptParsed = async (ctx: TxContext, wake: Wake, maxAttempts: number, channel: ChannelRef, parsed: ParseResult): Promise<PersistOutcome> => {
  const outcome = await persistParsed(ctx, channel, parsed);
  await enqueueJobs(ctx, wake, outcome.jobs, maxAttempts);
  return outcome;
};
