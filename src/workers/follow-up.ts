import { getChannel, messagingWindow } from "../channels";
import { queueReply } from "../inbox";
import { transaction } from "../runtime/db";
import { enqueueJobs } from "../runtime/queue";
import type { KindHandler } from "./automation";

type Candidate = {
  conversation_id: string;
  channel_id: string;
  provider: string;
  message_id: string;
  last_customer_ms: number | null;
};

/**
 * `follow_up`: a conversation of the brand whose last message is the assistant's, left unanswered for
 * `after_hours`, gets the configured text once — through the normal outbound path (rows + deliver
 * jobs). Skipped: a conversation a human holds or that is closed, the assistant's holding messages, a
 * failed reply, and any conversation whose messaging window is not open for AI text now. "Once": the
 * follow-up names the message it follows (`follow_up_of`) and becomes the last message itself, so the
 * next run finds nothing to follow up until the assistant speaks again after the customer.
 */
export const followUpHandler: KindHandler<"follow_up"> = async ({ db, wake, maxAttempts, now, automation, config }) => {
  const before = new Date(now.getTime() - config.after_hours * 3_600_000);
  let sent = 0;
  let outsideWindow = 0;
  await transaction(db(), async (ctx) => {
    // Locked so two runs (a run-now beside a slot) never both follow the same message up.
    const rows = await ctx.sql<Candidate[]>`
      select c.id as conversation_id, c.channel_id, ch.provider, m.id as message_id,
             (extract(epoch from c.last_customer_message_at) * 1000)::float8 as last_customer_ms
      from conversations c
      join channels ch on ch.id = c.channel_id
      join lateral (select id, direction, metadata, status, created_at from messages
                    where conversation_id = c.id order by created_at desc, id desc limit 1) m on true
      where c.brand_id = ${automation.brand_id} and c.tenant_id = ${automation.tenant_id} and c.status = 'bot'
        and m.direction = 'out' and m.metadata->>'author' = 'ai' and m.status <> 'failed'
        and m.metadata->>'follow_up_of' is null and coalesce((m.metadata->>'holding')::boolean, false) = false
        and m.created_at <= ${before.toISOString()}::timestamptz
      for update of c skip locked`;
    for (const r of rows) {
      const adapter = getChannel(r.provider);
      const window = messagingWindow(adapter.capabilities, r.last_customer_ms ?? undefined, now.getTime(), "ai");
      if (window.kind !== "free_form") {
        outsideWindow++;
        continue;
      }
      const reply = await queueReply(
        ctx,
        {
          tenant_id: automation.tenant_id,
          conversation_id: r.conversation_id,
          channel_id: r.channel_id,
          author: "ai",
          text: config.text,
          metadata: { follow_up_of: r.message_id, automation_id: automation.id },
        },
        adapter.capabilities,
      );
      await enqueueJobs(ctx, wake, reply.jobs, maxAttempts);
      sent++;
    }
  });
  return { sent, outside_window: outsideWindow };
};
