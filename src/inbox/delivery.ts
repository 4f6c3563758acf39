import { sql } from "drizzle-orm";
import { schema, type Db, type Tx, type TxContext } from "../runtime/db";
import type { DeliveryStatus } from "../runtime/db/schema/messages";

/** An outbound message with what delivering it needs to know, as it was before this read recorded an attempt. */
export type OutboundRow = {
  message: {
    id: string;
    tenant_id: string;
    channel_id: string;
    status: DeliveryStatus;
    body: string | null;
    metadata: Record<string, unknown>;
    send_attempt_id: string | null;
    send_attempted_at: Date | null;
    created_at: Date;
  };
  conversation: { id: string; last_customer_message_at: Date | null };
  contact: { external_id: string };
  /**
   * The attempt this read recorded and committed (the row was queued with no attempt on a channel whose
   * provider can leave a send in doubt), or null: none recorded — the caller decides (in doubt, settled…).
   */
  recordedAttempt: string | null;
};

type Row = Omit<OutboundRow["message"], "send_attempted_at" | "created_at"> & {
  attempted_ms: number | null;
  created_ms: number;
  conversation_id: string;
  last_customer_ms: number | null;
  external_id: string;
  recorded: boolean;
};

const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * Reads an outbound message for delivery and, in the same statement, records the send attempt
 * `attemptId` when the row is queued with no attempt yet on a channel whose provider is not one of
 * `noDoubtProviders`. Run it in a transaction that commits before the provider is called (the deliver
 * worker's group commit, shared with other deliveries' attempts and sent marks): one statement where a
 * read and an update were (a share of the answering path's cost, BENCH.md). The row returned is the one
 * before the update (the statement's snapshot), so an attempt left by an earlier run still shows as in
 * doubt. A template, not a drizzle build.
 */
export const loadOutbound = async (
  tx: TxContext,
  messageId: string,
  attemptId: string,
  noDoubtProviders: string[],
): Promise<OutboundRow | null> => {
  const [row] = await tx.sql<Row[]>`
    with attempt as (
      update messages set send_attempt_id = ${attemptId}, send_attempted_at = now()
      where id = ${messageId} and status = 'queued' and send_attempt_id is null
        and exists (select 1 from channels where channels.id = messages.channel_id and channels.provider <> all(${noDoubtProviders}::text[]))
      returning id)
    select m.id, m.tenant_id, m.channel_id, m.status, m.body, m.metadata, m.send_attempt_id,
      floor(extract(epoch from m.send_attempted_at) * 1000)::float8 as attempted_ms,
      floor(extract(epoch from m.created_at) * 1000)::float8 as created_ms,
      c.id as conversation_id, floor(extract(epoch from c.last_customer_message_at) * 1000)::float8 as last_customer_ms,
      ct.external_id, exists (select 1 from attempt) as recorded
    from messages m join conversations c on c.id = m.conversation_id join contacts ct on ct.id = c.contact_id
    where m.id = ${messageId}`;
  if (!row) return null;
  const { attempted_ms, created_ms, conversation_id, last_customer_ms, external_id, recorded, ...message } = row;
  return {
    message: { ...message, send_attempted_at: dateOf(attempted_ms), created_at: new Date(created_ms) },
    conversation: { id: conversation_id, last_customer_message_at: dateOf(last_customer_ms) },
    contact: { external_id },
    recordedAttempt: recorded ? attemptId : null,
  };
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
  (
    await tx.sql`update messages set send_attempt_id = ${attemptId}, send_attempted_at = now() where id = ${messageId} and status = 'queued' returning id`
  ).length === 1;

/** Clears an attempt the provider answered with an error: nothing went out, so a retry is not in doubt. */
export const clearAttempt = (db: Db, messageId: string, attemptId: string) =>
  db.execute(sql`update messages set send_attempt_id = null, send_attempted_at = null
    where ${schema.messages.id} = ${messageId} and ${schema.messages.send_attempt_id} = ${attemptId} and ${schema.messages.status} = 'queued'`);

/** `unsentAttempt`: an attempt recorded for a send that never happened, cleared with the failure (nothing is in doubt). */
export const markFailed = (tx: Tx, messageId: string, code: string, message: string, unsentAttempt?: string | null) =>
  tx
    .update(schema.messages)
    .set({
      status: "failed",
      error_code: code,
      error_message: message.slice(0, 1000),
      updated_at: sql`now()`,
      ...(unsentAttempt
        ? {
            send_attempt_id: sql`nullif(${schema.messages.send_attempt_id}, ${unsentAttempt})`,
            send_attempted_at: sql`case when ${schema.messages.send_attempt_id} = ${unsentAttempt} then null else ${schema.messages.send_attempted_at} end`,
          }
        : {}),
    })
    .where(sql`${schema.messages.id} = ${messageId} and ${schema.messages.status} = 'queued'`);
