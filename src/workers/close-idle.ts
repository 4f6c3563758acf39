import { notifyInTx, transaction } from "../runtime/db";
import { recordAudit } from "../tenancy";
import type { KindHandler } from "./automation";

/** Closed per transaction: a brand with a large backlog is closed in short transactions, not one long one. */
const BATCH = 500;
/** The event feed's NOTIFY channel (gateway/api/event-feed.ts): open event streams re-read at once. */
const EVENTS_CHANNEL = "xin_events";

type Idle = { id: string; status: string; last_ms: number };

/**
 * `close_idle`: closes the brand's conversations with no message either way for `after_days` (counted
 * from the conversation's start when it has none). Left open: a conversation with an escalation still
 * open or claimed — an agent's queue item is closed by the agent, not by the clock. Each closing is an
 * audit entry (`conversation.close`) and a `conversation.closed` event on the event feed; a customer
 * writing again reopens the conversation as usual. Idempotent: a closed conversation is not selected.
 */
export const closeIdleHandler: KindHandler<"close_idle"> = async ({ db, now, automation, config }) => {
  const before = new Date(now.getTime() - config.after_days * 86_400_000).toISOString();
  let closed = 0;
  for (;;) {
    const n = await transaction(db(), async (ctx) => {
      const rows = await ctx.sql<Idle[]>`
        select c.id, c.status, (extract(epoch from coalesce(last.at, c.created_at)) * 1000)::float8 as last_ms
        from conversations c
        left join lateral (select max(created_at) as at from messages where conversation_id = c.id) last on true
        where c.brand_id = ${automation.brand_id} and c.tenant_id = ${automation.tenant_id} and c.status <> 'closed'
          and coalesce(last.at, c.created_at) <= ${before}::timestamptz
          and not exists (select 1 from escalations e where e.conversation_id = c.id and e.state in ('open', 'claimed'))
        order by c.id
        limit ${BATCH}
        for update of c skip locked`;
      if (rows.length === 0) return 0;
      await ctx.sql`update conversations set status = 'closed', updated_at = now() where id = any(${ctx.sql.array(rows.map((r) => r.id))}::text[])`;
      for (const r of rows) {
        await recordAudit(ctx.tx, {
          tenant_id: automation.tenant_id,
          actor: `automation:${automation.id}`,
          action: "conversation.close",
          subject_type: "conversation",
          subject_id: r.id,
          before: { status: r.status },
          after: { status: "closed", idle_since: new Date(r.last_ms).toISOString(), after_days: config.after_days },
        });
      }
      await notifyInTx(ctx, { channel: EVENTS_CHANNEL, payload: "" });
      return rows.length;
    });
    closed += n;
    if (n < BATCH) break;
  }
  return { closed };
};
