import { sql } from "drizzle-orm";
import { getChannel, type InboundMessage, type ParseResult } from "../channels";
import { schema, type TxContext } from "../runtime/db";
import type { NewJob } from "../runtime/queue";
import { messageCtes, messageInputs, statusInputs, statusUpdate, type MessageInputs } from "./persist-sql";

/** The channel row fields the write path needs (the gateway resolved it from the URL). */
export type ChannelRef = { id: string; tenant_id: string; brand_id: string; provider: string };

export const RESPOND_JOB = "respond";
export const MEDIA_FETCH_JOB = "media.fetch";
export const CHANNEL_ACT_JOB = "channel.act";

export type PersistOutcome = {
  inserted: number;
  duplicates: number;
  statuses_applied: number;
  jobs: NewJob[];
  /** Conversation ids that got an answerable customer message (for live updates). */
  conversations: string[];
};

type Written = { conversations: Map<string, { id: string; status: string }>; inserted: { id: string; provider_message_id: string }[] };

/**
 * Contacts and conversations upserted and messages inserted in ONE statement (data-modifying CTEs
 * chained through RETURNING, `persist-sql.ts`): the group committer's transaction then costs a few
 * round trips instead of one per table, which is most of a webhook's acknowledgement time.
 */
const writeMessages = async ({ tx }: TxContext, channel: ChannelRef, input: MessageInputs): Promise<Written> => {
  const rows = await tx.execute<{ t: "v" | "m"; external_id: string | null; id: string; status: string | null; provider_message_id: string | null }>(sql`
    ${messageCtes(channel, input)}
    select 'v' as t, c.external_id, v.id, v.status, null as provider_message_id from v join c on c.id = v.contact_id
    union all
    select 'm', null, m.id, null, m.provider_message_id from m`);
  const conversations = new Map<string, { id: string; status: string }>();
  const inserted: Written["inserted"] = [];
  for (const r of rows) {
    if (r.t === "v") conversations.set(r.external_id!, { id: r.id, status: r.status! });
    else inserted.push({ id: r.id, provider_message_id: r.provider_message_id! });
  }
  return { conversations, inserted };
};

/**
 * Writes everything one webhook carried, inside the caller's transaction: contacts and conversations
 * upserted, messages inserted unique per (channel, provider message id) — a provider's retry inserts
 * nothing —, delivery statuses applied monotonically, and the follow-up jobs (`respond` per
 * conversation, `media.fetch` per attachment) enqueued by the caller in the same transaction.
 * Set-based: a webhook with 50 messages costs a handful of statements, not 150.
 */
export const persistParsed = async (ctx: TxContext, channel: ChannelRef, parsed: ParseResult): Promise<PersistOutcome> => {
  const { tx } = ctx;
  const outcome: PersistOutcome = { inserted: 0, duplicates: 0, statuses_applied: 0, jobs: [], conversations: [] };
  const input = messageInputs(parsed.messages);
  const messages = input.messages;

  if (messages.length) {
    const written = await writeMessages(ctx, channel, input);
    const conversationOf = (m: InboundMessage) => written.conversations.get(m.conversationId)!;
    const inserted = written.inserted;
    outcome.inserted = inserted.length;
    outcome.duplicates = messages.length - inserted.length;

    const fresh = new Set(inserted.map((r) => r.provider_message_id));
    const idByProviderId = new Map(inserted.map((r) => [r.provider_message_id, r.id]));
    const toAnswer = new Set<string>();
    // The per-message facts (`answerable`, `media`) come from the inputs, as the one-statement path's SQL reads them.
    const factsOf = new Map(input.rows.map((r) => [r.provider_message_id, r]));
    for (const m of messages) {
      if (!fresh.has(m.providerMessageId)) continue;
      const conversation = conversationOf(m);
      const facts = factsOf.get(m.providerMessageId)!;
      if (facts.media) {
        outcome.jobs.push({
          kind: MEDIA_FETCH_JOB,
          tenant_id: channel.tenant_id,
          payload: { message_id: idByProviderId.get(m.providerMessageId), channel_id: channel.id },
        });
      }
      if (facts.answerable && conversation.status === "bot") toAnswer.add(conversation.id);
    }
    // Read receipts and typing indicators where the provider has them, for the newest message of each
    // conversation: typing while the bot is about to answer, a read receipt always. A conversation the
    // bot answers has them run by its respond job (one job less per message); others get a job of their own.
    const capabilities = getChannel(channel.provider).capabilities;
    const respondActions = new Map<string, { kind: string; conversationId: string; providerMessageId: string }[]>();
    if (capabilities.hasReadReceipts || capabilities.hasTyping) {
      const newest = new Map<string, { message: InboundMessage; conversationId: string }>();
      for (const m of messages) {
        if (!fresh.has(m.providerMessageId) || !factsOf.get(m.providerMessageId)!.answerable) continue;
        const seen = newest.get(m.conversationId);
        if (!seen || m.timestamp >= seen.message.timestamp) newest.set(m.conversationId, { message: m, conversationId: conversationOf(m).id });
      }
      // One job per conversation for its actions, in order: each job costs more than its HTTP call.
      for (const { message: m, conversationId } of newest.values()) {
        const target = { conversationId: m.conversationId, providerMessageId: m.providerMessageId };
        const typing = capabilities.hasTyping && toAnswer.has(conversationId);
        const actions = [
          ...(capabilities.hasReadReceipts && !(typing && capabilities.typingMarksRead) ? [{ kind: "mark_read", ...target }] : []),
          ...(typing ? [{ kind: "typing", ...target }] : []),
        ];
        if (actions.length === 0) continue;
        if (toAnswer.has(conversationId)) respondActions.set(conversationId, actions);
        else outcome.jobs.push({ kind: CHANNEL_ACT_JOB, tenant_id: channel.tenant_id, payload: { channel_id: channel.id, actions } });
      }
    }
    for (const conversationId of toAnswer) {
      // One respond job per conversation per webhook: a burst is answered as a whole (issue 6 adds the quiet window).
      const actions = respondActions.get(conversationId);
      const payload = { conversation_id: conversationId, ...(actions ? { channel_id: channel.id, actions } : {}) };
      outcome.jobs.push({ kind: RESPOND_JOB, tenant_id: channel.tenant_id, key: `conv:${conversationId}`, payload });
    }
    outcome.conversations = [...toAnswer];
  }

  outcome.statuses_applied = await applyStatuses(ctx, channel, parsed.statuses);
  await applyEvents(ctx, channel, parsed);
  return outcome;
};

const applyStatuses = async ({ tx }: TxContext, channel: ChannelRef, statuses: ParseResult["statuses"]): Promise<number> => {
  const input = statusInputs(statuses);
  if (input.length === 0) return 0;
  // One UPDATE for all of them: status callbacks outnumber messages three to one on a busy number.
  return (await tx.execute(statusUpdate(channel, input))).length;
};

const applyEvents = async ({ tx }: TxContext, channel: ChannelRef, parsed: ParseResult) => {
  for (const e of parsed.events) {
    if (e.kind === "contact_blocked" || e.kind === "contact_unblocked") {
      await tx
        .update(schema.contacts)
        .set({ profile: sql`${schema.contacts.profile} || ${JSON.stringify({ blocked: e.kind === "contact_blocked" })}::jsonb` })
        .where(sql`${schema.contacts.channel_id} = ${channel.id} and ${schema.contacts.external_id} = ${e.conversationId}`);
    } else if (e.kind === "message_deleted") {
      await tx
        .update(schema.messages)
        .set({ metadata: sql`${schema.messages.metadata} || '{"deleted": true}'::jsonb` })
        .where(sql`${schema.messages.channel_id} = ${channel.id} and ${schema.messages.provider_message_id} = ${e.providerMessageId}`);
    }
  }
};
