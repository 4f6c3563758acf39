import { and, eq, inArray, sql } from "drizzle-orm";
import { newId } from "../runtime";
import { schema, type Tx } from "../runtime/db";

export type NewEscalation = {
  tenant_id: string;
  conversation_id: string;
  /** Stable reason code, e.g. `delivery_failed`, `answering_unavailable`, a guardrail's code. */
  reason: string;
  draft?: string | null;
  sources?: unknown[];
  /** Pause the bot for the conversation while the escalation is open (hand-off). */
  pauseBot: boolean;
  /** The inbound messages this escalation takes over (the answered link; see `nameAnswered`). */
  answers?: string[] | "all_pending";
};

/**
 * Names inbound messages as answered by a turn (`messages.answered_by`): the given ids, or every message
 * of the conversation still pending. Only pending ones: a message is named by exactly one turn (its
 * `pending_messages` row is deleted by the turn that names it).
 */
export const nameAnswered = async (
  tx: Tx,
  conversationId: string,
  turnId: string,
  answers: string[] | "all_pending",
): Promise<void> => {
  const ids = answers === "all_pending" ? null : answers;
  if (ids?.length === 0) return;
  await tx.execute(sql`with gone as (
      delete from pending_messages
      where conversation_id = ${conversationId}
        and (${ids === null}::boolean or message_id in (select jsonb_array_elements_text(${JSON.stringify(ids ?? [])}::jsonb)))
      returning message_id)
    update messages set answered_by = ${turnId}
    where conversation_id = ${conversationId} and id = any(array(select message_id from gone)) and answered_by is null`);
};

/**
 * Opens an escalation for the agents' queue, or returns the one already open for the conversation
 * (one open escalation per conversation: a second problem is added to the first, not queued twice).
 */
export const openEscalation = async (tx: Tx, input: NewEscalation): Promise<{ id: string; created: boolean }> => {
  const [open] = await tx
    .select({ id: schema.escalations.id })
    .from(schema.escalations)
    .where(
      and(
        eq(schema.escalations.conversation_id, input.conversation_id),
        inArray(schema.escalations.state, ["open", "claimed"]),
      ),
    );
  if (input.pauseBot) {
    await tx
      .update(schema.conversations)
      .set({ status: "human", updated_at: sql`now()` })
      .where(eq(schema.conversations.id, input.conversation_id));
  }
  if (open) {
    await nameAnswered(tx, input.conversation_id, open.id, input.answers ?? []);
    return { id: open.id, created: false };
  }
  const id = newId("esc");
  await tx.insert(schema.escalations).values({
    id,
    tenant_id: input.tenant_id,
    conversation_id: input.conversation_id,
    reason: input.reason,
    draft: input.draft ?? null,
    sources: input.sources ?? [],
  });
  await nameAnswered(tx, input.conversation_id, id, input.answers ?? []);
  return { id, created: true };
};
