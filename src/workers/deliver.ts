import {
  channels as allChannels,
  isChannelError,
  messagingWindow,
  type Channel,
  type OutboundContent,
} from "../channels";
import {
  clearAttempt,
  DELIVER_JOB,
  loadOutbound,
  markFailed,
  markSent,
  newAttemptId,
  openEscalation,
  recordAttempt,
  type OutboundRow,
} from "../inbox";
import { errorText, withSpan } from "../runtime";
import { GroupTransaction, notifyInTx, transaction, type Db } from "../runtime/db";
import type { Metrics } from "../runtime/metrics";
import { JobDeferred, type JobContext, type JobHandler } from "../runtime/queue";
import { ChannelCache, providerContext } from "../tenancy";
import { inDoubtStep, outcomeUnknown } from "./in-doubt";
import { ProviderPauses } from "./provider-pause";
import { UnsentAttempts } from "./unsent-attempts";

export { DELIVER_JOB };

export type DeliverDeps = {
  db: () => Db;
  instanceKey: string;
  fetch?: typeof fetch;
  sendTimeoutMs?: number;
  metrics?: Metrics;
  /** Overrides the channels' wait for a status webhook that settles an attempt in doubt (tests). */
  inDoubtWaitMs?: number;
  /**
   * Runs after the provider accepted a message and before its sent mark is written: the window in
   * which a crash leaves a send in doubt. Tests throw here to stand for a `kill -9` at that moment.
   */
  afterProviderCall?: (messageId: string) => void | Promise<void>;
  /**
   * Runs after the read recorded the attempt and before the provider is called. Tests throw here to stand
   * for a failure in between (the store gone for the channel read): nothing left, so nothing is in doubt.
   */
  beforeProviderCall?: (messageId: string) => void | Promise<void>;
  /** The process's per-channel pauses after a provider's 429 or outage (shared with channel actions). */
  pauses?: ProviderPauses;
  /** The group commit the attempts and sent marks join (shared with the turns', workers/index.ts); omitted: one of its own. */
  group?: GroupTransaction;
};
type Payload = { message_id: string };

/**
 * While an attempt waits for its status webhook, the job looks again this often: the status settles the
 * row at once, but the conversation's next replies queue behind this job until it sees that.
 */
const IN_DOUBT_RECHECK_MS = 2000;

/** Providers whose send has no effect outside the sent mark's transaction: no attempt is recorded for them. */
const NO_DOUBT_PROVIDERS = allChannels.filter((c) => c.capabilities.inDoubt.kind === "no_doubt").map((c) => c.id);

/**
 * A provider that is down or rate limiting the whole channel is waited out, without using attempts,
 * while the reply is younger than this: attempts count failures of this message, and a backlog's
 * attempts were used up in seconds by a 429 that said "3 s" (51 of 640 replies lost in the outage
 * suite's 60 s window). Older than this, each failure counts again and exhausted attempts go to agents.
 */
const OUTAGE_PATIENCE_MS = 10 * 60_000;

/**
 * Sends one outbound message through its channel's provider API, effectively once.
 *
 * - Idempotent: a message that is no longer `queued` (sent, failed) is skipped.
 * - A send attempt is recorded (committed) before the provider is called, and cleared when the provider
 *   answers with an error. A queued message that still carries an attempt is in doubt — xin died, or the
 *   call timed out, after the request left — and the channel's `capabilities.inDoubt` settles it
 *   (`in-doubt.ts`): WhatsApp echoes the attempt id in its status webhooks, which mark the message sent
 *   (inbox `statusUpdate`), so the worker waits for one before sending again; Telegram and Instagram
 *   offer no correlation and resend, counted in `xin_delivery_in_doubt_total`; the widget's send has no
 *   effect outside the sent mark's transaction, so no attempt is recorded for it.
 * - Messaging windows come from the channel's capabilities: outside WhatsApp's 24 h a configured
 *   template is sent instead; with no template, or Instagram outside its window, the message fails
 *   with `window_closed` and goes to the agents.
 * - Provider 5xx, timeouts and 429 are thrown back to the queue, which retries with backoff and honours
 *   Retry-After; and they pause the whole channel (`provider-pause.ts`): the channel's other deliveries
 *   wait in the queue (deferred, no attempt used) until the wait is over and one probe got through, so
 *   a provider that said 429 is not called again before the time it named. Such channel-wide failures
 *   use no attempt for the first `OUTAGE_PATIENCE_MS` of a reply's life: an outage is waited out.
 * - Permanent errors (outside window, blocked, undeliverable, auth) and exhausted retries mark the
 *   message failed with the provider's code and text and open an escalation — never retried forever.
 * - Marking sent and completing the job commit together.
 */
export const deliverHandler = (deps: DeliverDeps): JobHandler => {
  const channels = new ChannelCache(deps.db, deps.instanceKey);
  // Concurrent deliveries' attempts and sent marks commit together (one transaction, one fsync).
  const group = deps.group ?? new GroupTransaction(deps.db);
  const listeningSince = Date.now();
  const pauses = deps.pauses ?? new ProviderPauses();
  const settled = (adapter: Channel, resolution: "confirmed" | "resent" | "held") =>
    deps.metrics?.deliveryInDoubt.inc({ provider: adapter.id, resolution });
  const unsentAttempts = new UnsentAttempts();

  return async (job, jobCtx) => {
    const { message_id } = job.payload as Payload;
    // The attempt the row may carry that this run has not handed to the provider (yet).
    const handover = { attempt: null as string | null };
    try {
      await deliverOnce(job, jobCtx, message_id, handover);
    } catch (e) {
      // Failed before the provider was called: the attempt is known unsent, not in doubt. Cleared in the
      // store if it answers (for other instances), remembered here in case it does not.
      if (handover.attempt) {
        unsentAttempts.add(handover.attempt);
        await clearAttempt(deps.db(), message_id, handover.attempt).catch(() => {});
      }
      throw e;
    }
  };

  async function deliverOnce(
    job: Parameters<JobHandler>[0],
    jobCtx: JobContext,
    message_id: string,
    handover: { attempt: string | null },
  ): Promise<void> {
    // The read records this run's attempt in the same statement when the row is queued with none yet (the
    // usual first send), committed with other deliveries' before the provider is called. Whether a failed
    // read committed it or not, the provider never saw it.
    const fresh = newAttemptId(message_id);
    handover.attempt = fresh;
    const row = await group.run((tx) => loadOutbound(tx, message_id, fresh, NO_DOUBT_PROVIDERS));
    handover.attempt = row?.recordedAttempt ?? null;
    if (!row) return;
    const ctx = {
      ...jobCtx,
      log: jobCtx.log.child({ channel_id: row.message.channel_id, conversation_id: row.conversation.id }),
    };
    const unsent = row.recordedAttempt;
    const bound = await channels.get(row.message.channel_id);
    const provider = bound?.adapter.id ?? "unknown"; // a removed channel's provider is not known any more
    if (row.message.status !== "queued") {
      // Settled while the attempt was in doubt: a status webhook carried its id (or an agent acted).
      if (row.message.send_attempt_id && bound && row.message.status !== "failed") {
        settled(bound.adapter, "confirmed");
        ctx.log.info("send attempt in doubt", { channel: bound.adapter.id, message_id, resolution: "confirmed" });
      }
      return;
    }
    if (!bound)
      return fail(
        deps,
        ctx,
        row,
        provider,
        "channel_removed",
        "the channel was removed before the message went out",
        unsent,
      );
    const { adapter, row: channelRow } = bound;
    const policy = adapter.capabilities.inDoubt;

    // An attempt this process recorded and never handed over (see UnsentAttempts) is not in doubt.
    if (
      row.message.send_attempt_id &&
      row.message.send_attempted_at &&
      policy.kind !== "no_doubt" &&
      !unsentAttempts.take(row.message.send_attempt_id)
    ) {
      const at = { attemptedAt: row.message.send_attempted_at.getTime(), listeningSince, now: Date.now() };
      const step = inDoubtStep(policy, at, deps.inDoubtWaitMs);
      if (step.kind === "wait")
        throw new JobDeferred(
          Math.min(step.ms, IN_DOUBT_RECHECK_MS),
          "the last send attempt is in doubt: waiting for the provider's status webhook",
        );
      settled(adapter, step.kind === "hold" ? "held" : "resent");
      ctx.log.warn("send attempt in doubt", { channel: adapter.id, message_id, resolution: step.kind });
      if (step.kind === "hold")
        return fail(
          deps,
          ctx,
          row,
          provider,
          "delivery_in_doubt",
          "xin stopped while sending this message and cannot tell whether it arrived; check the conversation before sending it again",
        );
    }

    const meta = row.message.metadata as { author?: "ai" | "human"; content?: OutboundContent };
    const author = meta.author ?? "ai";
    const last = row.conversation.last_customer_message_at?.getTime();
    const window = messagingWindow(adapter.capabilities, last, Date.now(), author);
    let content: OutboundContent = meta.content ?? { kind: "text", text: row.message.body ?? "" };
    if (window.kind === "closed")
      return fail(deps, ctx, row, provider, "window_closed", "outside the channel's messaging window", unsent);
    if (window.kind === "template_only") {
      const template = (channelRow.settings as { template?: { name: string; language: string } }).template;
      if (!template)
        return fail(
          deps,
          ctx,
          row,
          provider,
          "window_closed",
          "outside the 24-hour window and no approved template is configured on the channel",
          unsent,
        );
      content = {
        kind: "template",
        name: template.name,
        language: template.language,
        bodyParams: [row.message.body ?? ""],
      };
    }

    await deps.beforeProviderCall?.(message_id);
    const channelId = row.message.channel_id;
    const wait = pauses.admit(channelId);
    if (wait > 0) {
      // Nothing is sent now, so the attempt the read recorded is not in doubt: cleared.
      if (unsent) await clearAttempt(deps.db(), message_id, unsent);
      handover.attempt = null;
      // Spread over half a second, so a backlog does not come back in one burst when the pause ends.
      throw new JobDeferred(wait + Math.random() * 500, "the channel's provider asked to wait (rate limit or outage)");
    }
    // An attempt the read did not record (the row carried an earlier one, in doubt and now resent) is
    // recorded here, in its own commit, before the provider is called.
    const attemptId = policy.kind === "no_doubt" ? undefined : (unsent ?? newAttemptId(message_id));
    if (attemptId && !unsent) {
      handover.attempt = attemptId;
      const recorded = await group
        .run((tx) => recordAttempt(tx, message_id, attemptId))
        .catch((e: unknown) => {
          pauses.release(channelId);
          throw e;
        });
      if (!recorded) return pauses.release(channelId);
    }

    handover.attempt = null; // from here the provider may have it: a failure leaves it in doubt
    let sent;
    try {
      const attributes = {
        "xin.provider": adapter.id,
        "xin.channel_id": channelId,
        "xin.conversation_id": row.conversation.id,
        "xin.message_id": message_id,
      };
      sent = await withSpan("provider send", { kind: "client", attributes }, () =>
        adapter.send(
          {
            conversationId: row.contact.external_id,
            content,
            isHumanAgent: window.kind === "human_agent_tag",
            attemptId,
          },
          providerContext(channelRow, bound, {
            signal: ctx.signal,
            timeoutMs: deps.sendTimeoutMs ?? 30_000,
            fetch: deps.fetch,
          }),
        ),
      );
    } catch (e) {
      const pausedMs = pauses.settle(channelId, e);
      if (pausedMs > 0) {
        deps.metrics?.providerPauses.inc({ provider: adapter.id });
        ctx.log.warn("provider paused", {
          channel: adapter.id,
          channel_id: channelId,
          pause_ms: Math.round(pausedMs),
          err_code: isChannelError(e) ? (e.providerCode ?? e.reason) : undefined,
        });
      }
      const retryable = isChannelError(e) ? e.retryable : true;
      // The provider answered: nothing went out, so the next try is a plain send, not one in doubt.
      if (attemptId && isChannelError(e) && !outcomeUnknown(e.reason))
        await clearAttempt(deps.db(), message_id, attemptId);
      if (pausedMs > 0 && Date.now() - row.message.created_at.getTime() < OUTAGE_PATIENCE_MS) {
        throw new JobDeferred(
          pausedMs + Math.random() * 500,
          "the channel's provider is down or rate limiting: waiting it out",
        );
      }
      if (retryable && job.attempts < job.max_attempts) throw e;
      const code = isChannelError(e) ? (e.providerCode ?? e.reason) : "delivery_error";
      return fail(deps, ctx, row, provider, retryable ? "retries_exhausted" : code, errorText(e));
    }
    pauses.settle(channelId);
    await deps.afterProviderCall?.(message_id);
    // A failure here (lease lost, store gone) is thrown to the queue with the attempt still recorded:
    // the provider has the message, so whoever runs the job next settles it as in doubt.
    await group.run(async (tx) => {
      // Sent together (pipelined): the status, the listeners' notice and the completion in one round trip.
      // Channels without a provider API (the web widget) hand delivery to listeners: committed with the row.
      const notify = sent.notify;
      await Promise.all([
        markSent(tx, message_id, sent.providerMessageId),
        notify ? notifyInTx(tx, notify) : null,
        ctx.completeIn(tx),
      ]);
    });
    deps.metrics?.deliveries.inc({ provider: adapter.id, outcome: "sent" });
    // Time to reply as the customer sees it: from their latest message to the bot's reply leaving xin.
    if (author === "ai" && last !== undefined)
      deps.metrics?.replyLatency.observe({ provider: adapter.id }, Math.max(0, Date.now() - last) / 1000);
    ctx.log.info("message sent", { channel: adapter.id, message_id });
  }
};

/** `unsentAttempt`: the attempt this run recorded before finding it must not send (cleared: nothing is in doubt). */
const fail = async (
  deps: DeliverDeps,
  ctx: JobContext,
  row: OutboundRow,
  provider: string,
  code: string,
  message: string,
  unsentAttempt?: string | null,
) => {
  await transaction(deps.db(), async (tx) => {
    await markFailed(tx.tx, row.message.id, code, message, unsentAttempt);
    await openEscalation(tx.tx, {
      tenant_id: row.message.tenant_id,
      conversation_id: row.conversation.id,
      reason: "delivery_failed",
      draft: row.message.body,
      pauseBot: false,
    });
    await ctx.completeIn(tx);
  });
  deps.metrics?.deliveries.inc({ provider, outcome: "failed" });
  ctx.log.warn("message failed", { err_code: code, message_id: row.message.id });
};
