import { and, desc, eq, sql } from "drizzle-orm";
import { getChannel } from "../channels";
import { openEscalation, queueReply } from "../inbox";
import { transaction, schema, type Db } from "../runtime/db";
import { enqueueJobs, type JobHandler, type Wake } from "../runtime/queue";

export const DEFAULT_HOLDING_MESSAGE = "Thanks for your message! A member of our team will get back to you here shortly.";

/**
 * The respond step while xin has no answering engine configured for the brand: the conversation is
 * handed to humans (an escalation with reason `answering_unavailable`, bot paused) and the customer gets
 * the brand's holding message once — not once per message. The answering pipeline replaces this.
 */
export const holdingReplyHandler = (deps: { db: () => Db; wake: Wake; maxAttempts: number }): JobHandler => async (job, ctx) => {
  const { conversation_id } = job.payload as { conversation_id: string };
  await transaction(deps.db(), async (tx) => {
    const [row] = await tx.tx
      .select({ conversation: schema.conversations, brand: schema.brands, channel: schema.channels })
      .from(schema.conversations)
      .innerJoin(schema.brands, eq(schema.brands.id, schema.conversations.brand_id))
      .innerJoin(schema.channels, eq(schema.channels.id, schema.conversations.channel_id))
      .where(eq(schema.conversations.id, conversation_id))
      .for("update", { of: schema.conversations });
    if (!row || row.conversation.status !== "bot") return ctx.completeIn(tx);
    const escalation = await openEscalation(tx.tx, {
      tenant_id: row.conversation.tenant_id,
      conversation_id,
      reason: "answering_unavailable",
      pauseBot: true,
    });
    const [lastOut] = await tx.tx
      .select({ id: schema.messages.id })
      .from(schema.messages)
      .where(and(eq(schema.messages.conversation_id, conversation_id), eq(schema.messages.direction, "out"), sql`${schema.messages.metadata}->>'holding' = 'true'`))
      .orderBy(desc(schema.messages.created_at))
      .limit(1);
    if (escalation.created && !lastOut) {
      const text = typeof row.brand.policies.holding_message === "string" ? row.brand.policies.holding_message : DEFAULT_HOLDING_MESSAGE;
      const adapter = getChannel(row.channel.provider);
      const { jobs } = await queueReply(
        tx,
        { tenant_id: row.conversation.tenant_id, conversation_id, channel_id: row.channel.id, author: "ai", text, metadata: { holding: true } },
        adapter.capabilities,
      );
      await enqueueJobs(tx, deps.wake, jobs, deps.maxAttempts);
    }
    await ctx.completeIn(tx);
  });
};
