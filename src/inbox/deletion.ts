import { sql } from "drizzle-orm";
import type { ChannelEvent } from "../channels";
import type { Tx } from "../runtime/db";
import type { ChannelRef } from "./persist-sql";

type Deletion = Extract<ChannelEvent, { kind: "message_deleted" }>;

/** What one deletion changed: the original found, replies and escalation drafts withdrawn. */
export type DeletionOutcome = { found: boolean; repliesWithdrawn: number; draftsWithdrawn: number };

/**
 * The customer deleted a message (WhatsApp `revoke`, Instagram `is_deleted`): ONE mechanism for every
 * channel. No new message is stored; the original is marked `deleted` (with when) and, if no turn named
 * it yet, stops awaiting one — so a respond job in its quiet window answers nothing for it, and one
 * already writing a draft drops it (`respond.ts` `stillCurrent`). What xin had prepared for that
 * message alone is withdrawn, never what also answers other messages:
 * - a reply not yet handed to the provider (queued, no send attempt) is marked `failed` with
 *   `withdrawn`, which the delivery worker skips; one already in flight cannot be called back;
 * - an open escalation's draft, when the escalation names no other message, is cleared so an agent
 *   cannot send it by mistake; the escalation stays open for the agent to see what happened.
 * A deletion for a message xin never stored (sent before the channel existed) changes nothing.
 */
export const applyDeletion = async (tx: Tx, channel: ChannelRef, e: Deletion): Promise<DeletionOutcome> => {
  const deletedAt = new Date(e.timestamp).toISOString();
  const [row] = await tx.execute<{ found: number; replies: number; drafts: number }>(sql`
    with del as (
      update messages set
        metadata = metadata || jsonb_build_object('deleted', true, 'deleted_at', ${deletedAt}::text),
        awaits_turn = awaits_turn and answered_by is not null,
        updated_at = now()
      where channel_id = ${channel.id} and provider_message_id = ${e.providerMessageId} and direction = 'in'
      returning id, conversation_id, answered_by
    ), unpending as (
      delete from pending_messages p using del where p.conversation_id = del.conversation_id and p.message_id = del.id
    ), replies as (
      update messages o set status = 'failed', error_code = 'withdrawn',
        error_message = 'not sent: the customer deleted the message it answers', updated_at = now()
      from del
      where o.conversation_id = del.conversation_id and o.direction = 'out' and o.status = 'queued' and o.send_attempt_id is null
        and o.metadata->'answer'->'answers' = jsonb_build_array(del.id)
      returning o.id
    ), drafts as (
      update escalations x set draft = null, updated_at = now()
      from del
      where x.id = del.answered_by and x.state in ('open', 'claimed') and x.draft is not null
        and not exists (select 1 from messages o where o.conversation_id = del.conversation_id and o.answered_by = x.id and o.id <> del.id)
      returning x.id
    )
    select (select count(*) from del)::int as found, (select count(*) from replies)::int as replies, (select count(*) from drafts)::int as drafts`);
  return { found: row.found > 0, repliesWithdrawn: row.replies, draftsWithdrawn: row.drafts };
};
