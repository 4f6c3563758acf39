import { isChannelError, type ChannelAction } from "../channels";
import { CHANNEL_ACT_JOB } from "../inbox";
import type { Logger } from "../runtime";
import type { Db } from "../runtime/db";
import type { JobHandler } from "../runtime/queue";
import { ChannelCache, providerContext } from "../tenancy";
import { ProviderPauses } from "./provider-pause";

export { CHANNEL_ACT_JOB };

/** Runs a conversation's side actions in order; a permanent refusal is logged and skipped, a hiccup thrown. */
export type ChannelActions = (
  channelId: string,
  actions: ChannelAction[],
  ctx: { signal: AbortSignal; log: Logger },
) => Promise<void>;

type ActDeps = { db: () => Db; instanceKey: string; fetch?: typeof fetch; pauses?: ProviderPauses };

export const channelActions = (deps: ActDeps): ChannelActions => {
  const channels = new ChannelCache(deps.db, deps.instanceKey);
  const pauses = deps.pauses ?? new ProviderPauses();
  return async (channelId, actions, ctx) => {
    const bound = await channels.get(channelId);
    if (!bound) return;
    // The provider asked to wait (429, outage): a read tick or typing is not worth calling it early for.
    if (pauses.holding(channelId)) {
      ctx.log.debug("channel actions skipped: provider paused", { channel_id: channelId, count: actions.length });
      return;
    }
    // In order; a retry repeats the ones already done, which providers take as no-ops (read twice, typing again).
    for (const a of actions) {
      try {
        await bound.adapter.act(
          a,
          providerContext(bound.row, bound, { signal: ctx.signal, timeoutMs: 15_000, fetch: deps.fetch }),
        );
        pauses.settle(channelId);
      } catch (e) {
        pauses.settle(channelId, e);
        if (isChannelError(e) && !e.retryable) {
          ctx.log.warn("channel action refused", { action: a.kind, err_code: e.code, provider_code: e.providerCode });
          continue;
        }
        throw e;
      }
    }
  };
};

/**
 * Side actions that produce no stored message (read receipts, typing), a conversation's in one job: retried on provider hiccups
 * like any job, but a permanent refusal is logged and dropped — a missing blue tick never escalates. A conversation the bot is
 * about to answer has its actions run by its `respond` job instead (one job less per message).
 */
export const channelActHandler = (deps: ActDeps): JobHandler => {
  const run = channelActions(deps);
  return async (job, ctx) => {
    // `action`: one action, as jobs written before actions were grouped per conversation carry it.
    const { channel_id, actions, action } = job.payload as {
      channel_id: string;
      actions?: ChannelAction[];
      action?: ChannelAction;
    };
    await run(channel_id, actions ?? (action ? [action] : []), ctx);
  };
};
