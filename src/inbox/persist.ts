import { sql } from "drizzle-orm";
import { bodyOf, getChannel, isStatusAdvance, shouldRespond, statusRank, type InboundContent, type InboundMessage, type ParseResult } from "../channels";
import { newId } from "../runtime";
import { schema, type TxContext } from "../runtime/db";
import type { NewJob } from "../runtime/queue";

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

const attachmentsOf = (c: InboundContent): unknown[] =>
  c.kind === "media" ? [c.media] : c.kind === "edit" ? attachmentsOf(c.content) : [];

const dedupeBy = <T>(items: T[], key: (t: T) => string): T[] => [...new Map(items.map((i) => [key(i), i])).values()];

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
  const messages = dedupeBy(parsed.messages, (m) => m.providerMessageId);

  if (messages.length) {
    // Sorted: concurrent writers then lock contact and conversation rows in the same order (no deadlocks).
    const customers = dedupeBy(messages, (m) => m.conversationId).sort((a, b) => (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0));
    const contacts = await tx
      .insert(schema.contacts)
      .values(
        customers.map((m) => ({
          id: newId("con"),
          tenant_id: channel.tenant_id,
          channel_id: channel.id,
          external_id: m.conversationId,
          display_name: m.isGroup ? null : (m.contact.name ?? m.contact.username ?? null),
          profile: m.isGroup ? { group: true } : { username: m.contact.username, language: m.contact.languageCode },
        })),
      )
      .onConflictDoUpdate({
        target: [schema.contacts.channel_id, schema.contacts.external_id],
        set: { display_name: sql`coalesce(excluded.display_name, ${schema.contacts.display_name})` },
      })
      .returning({ id: schema.contacts.id, external_id: schema.contacts.external_id });
    const contactByKey = new Map(contacts.map((c) => [c.external_id, c.id]));

    const lastCustomerAt = new Map<string, number>();
    for (const m of messages) {
      if (m.isEcho) continue;
      lastCustomerAt.set(m.conversationId, Math.max(lastCustomerAt.get(m.conversationId) ?? 0, m.timestamp));
    }
    const conversations = await tx
      .insert(schema.conversations)
      .values(
        customers.map((m) => {
          const last = lastCustomerAt.get(m.conversationId);
          return {
            id: newId("cnv"),
            tenant_id: channel.tenant_id,
            brand_id: channel.brand_id,
            channel_id: channel.id,
            contact_id: contactByKey.get(m.conversationId)!,
            last_customer_message_at: last ? new Date(last) : null,
          };
        }),
      )
      .onConflictDoUpdate({
        target: schema.conversations.contact_id,
        set: {
          last_customer_message_at: sql`greatest(${schema.conversations.last_customer_message_at}, excluded.last_customer_message_at)`,
          status: sql`case when ${schema.conversations.status} = 'closed' and excluded.last_customer_message_at is not null then 'bot' else ${schema.conversations.status} end`,
          updated_at: sql`now()`,
        },
      })
      .returning({ id: schema.conversations.id, contact_id: schema.conversations.contact_id, status: schema.conversations.status });
    const conversationByContact = new Map(conversations.map((c) => [c.contact_id, c]));
    const conversationOf = (m: InboundMessage) => conversationByContact.get(contactByKey.get(m.conversationId)!)!;

    const inserted = await tx
      .insert(schema.messages)
      .values(
        messages.map((m) => ({
          id: newId("msg"),
          tenant_id: channel.tenant_id,
          conversation_id: conversationOf(m).id,
          channel_id: channel.id,
          direction: m.isEcho ? ("out" as const) : ("in" as const),
          kind: m.content.kind,
          body: bodyOf(m.content) ?? null,
          attachments: attachmentsOf(m.content),
          metadata: {
            content: m.content,
            sender: m.contact,
            provider_timestamp: m.timestamp,
            ...(m.replyTo ? { reply_to: m.replyTo } : {}),
            ...(m.referral ? { referral: m.referral } : {}),
            ...(m.isEcho ? { echo: true } : {}),
            ...(m.content.kind === "edit" ? { edit_of: m.content.originalMessageId } : {}),
            ...(m.content.kind === "unsupported" ? { unsupported: true, raw: m.raw } : {}),
            ...(!m.isAddressedToUs ? { not_addressed: true } : {}),
          },
          provider_message_id: m.providerMessageId,
          status: m.isEcho ? ("sent" as const) : ("received" as const),
        })),
      )
      .onConflictDoNothing({ target: [schema.messages.channel_id, schema.messages.provider_message_id] })
      .returning({ id: schema.messages.id, provider_message_id: schema.messages.provider_message_id });
    outcome.inserted = inserted.length;
    outcome.duplicates = messages.length - inserted.length;

    const fresh = new Set(inserted.map((r) => r.provider_message_id));
    const idByProviderId = new Map(inserted.map((r) => [r.provider_message_id, r.id]));
    const toAnswer = new Set<string>();
    for (const m of messages) {
      if (!fresh.has(m.providerMessageId)) continue;
      const conversation = conversationOf(m);
      const content = m.content.kind === "edit" ? m.content.content : m.content;
      if (content.kind === "media" && !m.isEcho) {
        outcome.jobs.push({
          kind: MEDIA_FETCH_JOB,
          tenant_id: channel.tenant_id,
          payload: { message_id: idByProviderId.get(m.providerMessageId), channel_id: channel.id },
        });
      }
      if (shouldRespond(m) && conversation.status === "bot") toAnswer.add(conversation.id);
    }
    // Read receipts and typing indicators where the provider has them, for the newest message of each
    // conversation: typing while the bot is about to answer, a read receipt always.
    const capabilities = getChannel(channel.provider).capabilities;
    if (capabilities.hasReadReceipts || capabilities.hasTyping) {
      const newest = new Map<string, { message: InboundMessage; conversationId: string }>();
      for (const m of messages) {
        if (!fresh.has(m.providerMessageId) || m.isEcho || !shouldRespond(m)) continue;
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
        if (actions.length) outcome.jobs.push({ kind: CHANNEL_ACT_JOB, tenant_id: channel.tenant_id, payload: { channel_id: channel.id, actions } });
      }
    }
    for (const conversationId of toAnswer) {
      // One respond job per conversation per webhook: a burst is answered as a whole (issue 6 adds the quiet window).
      outcome.jobs.push({ kind: RESPOND_JOB, tenant_id: channel.tenant_id, key: `conv:${conversationId}`, payload: { conversation_id: conversationId } });
    }
    outcome.conversations = [...toAnswer];
  }

  outcome.statuses_applied = await applyStatuses(ctx, channel, parsed.statuses);
  await applyEvents(ctx, channel, parsed);
  return outcome;
};

const STATUS_RANK_SQL = sql`case ${schema.messages.status} when 'queued' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'played' then 4 when 'failed' then 5 else 0 end`;

const applyStatuses = async ({ tx }: TxContext, channel: ChannelRef, statuses: ParseResult["statuses"]): Promise<number> => {
  let applied = 0;
  // Keep the furthest status per message from this batch; the SQL keeps the stored one when it is further.
  const best = new Map<string, (typeof statuses)[number]>();
  for (const s of statuses) {
    const current = best.get(s.providerMessageId);
    if (isStatusAdvance(current?.status, s.status)) best.set(s.providerMessageId, s);
  }
  for (const s of best.values()) {
    const rank = statusRank(s.status);
    const rows = await tx
      .update(schema.messages)
      .set({
        status: s.status === "played" ? "read" : s.status,
        error_code: s.error?.code ?? null,
        error_message: s.error ? [s.error.title, s.error.details].filter(Boolean).join(": ") : null,
        updated_at: sql`now()`,
      })
      .where(
        sql`${schema.messages.channel_id} = ${channel.id} and ${schema.messages.provider_message_id} = ${s.providerMessageId}
            and ${schema.messages.direction} = 'out' and ${STATUS_RANK_SQL} < ${rank}`,
      )
      .returning({ id: schema.messages.id });
    applied += rows.length;
  }
  return applied;
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
