import { eq } from "drizzle-orm";
import { getChannel } from "../channels";
import { openEscalation, startReply } from "../inbox";
import { schema, transaction, type Db } from "../runtime/db";
import { enqueueJobs, type Job, type JobContext, type Wake } from "../runtime/queue";
import { parsePolicies } from "./policies";

export const ANSWERING_FAILED = "answering_failed";

/**
 * The respond job failed on its last attempt (a store error, a bug): instead of dead-lettering the turn
 * in silence, the conversation goes to a human — an `answering_failed` escalation naming every pending
 * message, with the holding message when it is new — and the job completes, in one transaction. When even
 * this fails, the job dies as before (the store is down: nothing could be written either way).
 */
export const escalateAfterLastAttempt = async (
  deps: { db: () => Db; wake: Wake },
  job: Job,
  ctx: JobContext,
  conversationId: string,
  fallbackHolding: string,
): Promise<void> => {
  await transaction(deps.db(), async (tx) => {
    const [row] = await tx.tx
      .select({
        tenant_id: schema.conversations.tenant_id,
        channel_id: schema.channels.id,
        provider: schema.channels.provider,
        policies: schema.brands.policies,
      })
      .from(schema.conversations)
      .innerJoin(schema.channels, eq(schema.channels.id, schema.conversations.channel_id))
      .innerJoin(schema.brands, eq(schema.brands.id, schema.conversations.brand_id))
      .where(eq(schema.conversations.id, conversationId));
    if (row) {
      const escalation = await openEscalation(tx.tx, {
        tenant_id: row.tenant_id,
        conversation_id: conversationId,
        reason: ANSWERING_FAILED,
        pauseBot: true,
        answers: "all_pending",
      });
      if (escalation.created) {
        const text = parsePolicies(row.policies).holding_message ?? fallbackHolding;
        const holding = startReply(
          tx,
          {
            tenant_id: row.tenant_id,
            conversation_id: conversationId,
            channel_id: row.channel_id,
            author: "ai",
            text,
            metadata: { holding: true, escalation_id: escalation.id },
          },
          getChannel(row.provider).capabilities,
        );
        await holding.written;
        await enqueueJobs(tx, deps.wake, holding.jobs, job.max_attempts);
      }
    }
    await ctx.completeIn(tx);
  });
};
