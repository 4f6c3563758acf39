import { isChannelError, messagingWindow, type OutboundContent } from "../channels";
import { DELIVER_JOB, loadOutbound, markFailed, markSent, openEscalation } from "../inbox";
import { errorText, XinError } from "../runtime";
import { GroupTransaction, notifyInTx, transaction, type Db } from "../runtime/db";
import type { JobContext, JobHandler } from "../runtime/queue";
import { ChannelCache, providerContext } from "../tenancy";

export { DELIVER_JOB };

export type DeliverDeps = { db: () => Db; instanceKey: string; fetch?: typeof fetch; sendTimeoutMs?: number };
type Payload = { message_id: string };

/**
 * Sends one outbound message through its channel's provider API.
 *
 * - Idempotent: a message that is no longer `queued` (sent, failed) is skipped.
 * - Messaging windows come from the channel's capabilities: outside WhatsApp's 24 h a configured
 *   template is sent instead; with no template, or Instagram outside its window, the message fails
 *   with `window_closed` and goes to the agents.
 * - Provider 5xx, timeouts and 429 are thrown back to the queue, which retries with backoff and honours
 *   Retry-After; other conversations are not blocked (jobs are keyed per conversation).
 * - Permanent errors (outside window, blocked, undeliverable, auth) and exhausted retries mark the
 *   message failed with the provider's code and text and open an escalation — never retried forever.
 * - Marking sent and completing the job commit together; a crash after the provider accepted the
 *   message but before that commit can send it twice (providers offer no idempotency key).
 */
export const deliverHandler = (deps: DeliverDeps): JobHandler => {
  const channels = new ChannelCache(deps.db, deps.instanceKey);
  // Concurrent deliveries' sent marks commit together (one transaction, one fsync).
  const group = new GroupTransaction(deps.db);
  return async (job, ctx) => {
    const { message_id } = job.payload as Payload;
    const row = await loadOutbound(deps.db(), message_id);
    if (!row || row.message.status !== "queued") return;
    const bound = await channels.get(row.message.channel_id);
    if (!bound) return fail(deps, ctx, row, "channel_removed", "the channel was removed before the message went out");
    const { adapter, row: channelRow } = bound;

    const meta = row.message.metadata as { author?: "ai" | "human"; content?: OutboundContent };
    const author = meta.author ?? "ai";
    const last = row.conversation.last_customer_message_at?.getTime();
    const window = messagingWindow(adapter.capabilities, last, Date.now(), author);
    let content: OutboundContent = meta.content ?? { kind: "text", text: row.message.body ?? "" };
    if (window.kind === "closed") return fail(deps, ctx, row, "window_closed", "outside the channel's messaging window");
    if (window.kind === "template_only") {
      const template = (channelRow.settings as { template?: { name: string; language: string } }).template;
      if (!template) return fail(deps, ctx, row, "window_closed", "outside the 24-hour window and no approved template is configured on the channel");
      content = { kind: "template", name: template.name, language: template.language, bodyParams: [row.message.body ?? ""] };
    }

    try {
      const sent = await adapter.send(
        { conversationId: row.contact.external_id, content, isHumanAgent: window.kind === "human_agent_tag" },
        providerContext(channelRow, bound, { signal: ctx.signal, timeoutMs: deps.sendTimeoutMs ?? 30_000, fetch: deps.fetch }),
      );
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
      ctx.log.info("message sent", { channel: adapter.id, message_id });
    } catch (e) {
      if (e instanceof XinError && e.code === "queue.lease_lost") throw e;
      const retryable = isChannelError(e) ? e.retryable : true;
      if (retryable && job.attempts < job.max_attempts) throw e;
      const code = isChannelError(e) ? (e.providerCode ?? e.reason) : "delivery_error";
      return fail(deps, ctx, row, retryable ? "retries_exhausted" : code, errorText(e));
    }
  };
};

const fail = async (deps: DeliverDeps, ctx: JobContext, row: NonNullable<Awaited<ReturnType<typeof loadOutbound>>>, code: string, message: string) => {
  await transaction(deps.db(), async (tx) => {
    await markFailed(tx.tx, row.message.id, code, message);
    await openEscalation(tx.tx, {
      tenant_id: row.message.tenant_id,
      conversation_id: row.conversation.id,
      reason: "delivery_failed",
      draft: row.message.body,
      pauseBot: false,
    });
    await ctx.completeIn(tx);
  });
  ctx.log.warn("message failed", { err_code: code, message_id: row.message.id });
};
