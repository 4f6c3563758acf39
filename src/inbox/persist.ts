import { sql } from "drizzle-orm";
import type { ParseResult } from "../channels";
import { schema, type TxContext } from "../runtime/db";
import { applyDeletion } from "./deletion";
import { writeInbound, type StatementOutcome } from "./persist-one-statement";
import type { ChannelRef } from "./persist-sql";

export { CHANNEL_ACT_JOB, MEDIA_FETCH_JOB, RESPOND_JOB, type ChannelRef } from "./persist-sql";

/** What a webhook wrote: rows, statuses, how many follow-up jobs it queued and which conversations the bot answers (for live updates). */
export type PersistOutcome = StatementOutcome;

/**
 * Writes everything one webhook carried, inside the caller's transaction: the inbound statement every
 * entrance shares (`writeInbound`: contacts and conversations upserted, messages inserted unique per
 * (channel, provider message id) — a provider's retry inserts nothing —, delivery statuses applied
 * monotonically, the follow-up jobs queued with their NOTIFY, which fires at COMMIT), then the events
 * (blocks, deletions: `deletion.ts`). One derivation of the jobs for the one-statement path, batches with events, the
 * Telegram poller and the web widget.
 */
export const persistParsed = async (
  ctx: TxContext,
  maxAttempts: number,
  channel: ChannelRef,
  parsed: ParseResult,
): Promise<PersistOutcome> => {
  const { outcome } = await writeInbound(ctx.tx, maxAttempts, channel, parsed, null);
  await applyEvents(ctx, channel, parsed);
  return outcome;
};

const applyEvents = async ({ tx }: TxContext, channel: ChannelRef, parsed: ParseResult) => {
  for (const e of parsed.events) {
    if (e.kind === "contact_blocked" || e.kind === "contact_unblocked") {
      await tx
        .update(schema.contacts)
        .set({
          profile: sql`${schema.contacts.profile} || ${JSON.stringify({ blocked: e.kind === "contact_blocked" })}::jsonb`,
        })
        .where(
          sql`${schema.contacts.channel_id} = ${channel.id} and ${schema.contacts.external_id} = ${e.conversationId}`,
        );
    } else if (e.kind === "message_deleted") {
      await applyDeletion(tx, channel, e);
    }
  }
};
