import { isChannelError, type ChannelAction } from "../channels";
import { CHANNEL_ACT_JOB } from "../inbox";
import type { Db } from "../runtime/db";
import type { JobHandler } from "../runtime/queue";
import { ChannelCache, providerContext } from "../tenancy";

export { CHANNEL_ACT_JOB };

/**
 * Side actions that produce no stored message (read receipts, typing): retried on provider hiccups
 * like any job, but a permanent refusal is logged and dropped — a missing blue tick never escalates.
 */
export const channelActHandler = (deps: { db: () => Db; instanceKey: string; fetch?: typeof fetch }): JobHandler => {
  const channels = new ChannelCache(deps.db, deps.instanceKey);
  return async (job, ctx) => {
    const { channel_id, action } = job.payload as { channel_id: string; action: ChannelAction };
    const bound = await channels.get(channel_id);
    if (!bound) return;
    try {
      await bound.adapter.act(action, providerContext(bound.row, bound, { signal: ctx.signal, timeoutMs: 15_000, fetch: deps.fetch }));
    } catch (e) {
      if (isChannelError(e) && !e.retryable) {
        ctx.log.warn("channel action refused", { action: action.kind, err_code: e.code, provider_code: e.providerCode });
        return;
      }
      throw e;
    }
  };
};
