import { eq, sql } from "drizzle-orm";
import { preparedOnce, schema, type Db, type Tx, type TxContext } from "../runtime/db";

/** An outbound message with what delivering it needs to know. */
export type OutboundRow = {
  message: typeof schema.messages.$inferSelect;
  conversation: typeof schema.conversations.$inferSelect;
  contact: typeof schema.contacts.$inferSelect;
};

const outboundQuery = preparedOnce((db) =>
  db
    .select({ message: schema.messages, conversation: schema.conversations, contact: schema.contacts })
    .from(schema.messages)
    .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversation_id))
    .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contact_id))
    .where(eq(schema.messages.id, sql.placeholder("id")))
    .prepare("outbound_message"),
);

export const loadOutbound = async (db: Db, messageId: string): Promise<OutboundRow | null> => {
  const [row] = await outboundQuery(db).execute({ id: messageId });
  return row ?? null;
};

/** Marks a queued message sent with the provider's id; a message no longer queued is left alone. Every reply runs it: a template, not a drizzle build. */
export const markSent = (tx: TxContext, messageId: string, providerMessageId: string) =>
  tx.sql`update messages set status = 'sent', provider_message_id = ${providerMessageId}, updated_at = now() where id = ${messageId} and status = 'queued'`;

/**
 * Records a send attempt before the provider is called, in its own commit: after a crash, a queued row
 * carrying an attempt is known to be in doubt. False when the row is no longer queued (a status webhook
 * or an agent settled it meanwhile): nothing must be sent.
 */
export const recordAttempt = async (tx: TxContext, messageId: string, attemptId: string): Promise<boolean> =>
  (await tx.sql`update messages set send_attempt_id = ${attemptId}, send_attempted_at = now() where id = ${messageId} and status = 'queued' returning id`).length === 1;

/** Clears an attempt the provider answered with an error: nothing went out, so a retry is not in doubt. */
export const clearAttempt = (db: Db, messageId: string, attemptId: string) =>
  db.execute(sql`update messages set send_attempt_id = null, send_attempted_at = null
    where ${schema.messages.id} = ${messageId} and ${schema.messages.send_attempt_id} = ${attemptId} and ${schema.messages.status} = 'queued'`);

export const markFailed = (tx: Tx, messageId: string, code: string, message: string) =>
  tx
    .update(schema.messages)
    .set({ status: "failed", error_code: code, error_message: message.slice(0, 1000), updated_at: sql`now()` })
    .where(sql`${schema.messages.id} = ${messageId} and ${schema.messages.status} = 'queued'`);
