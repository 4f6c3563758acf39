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

type ContactInput = { id: string; external_id: string; display_name: string | null; profile: unknown; conversation_id: string; last_at: string | null };
type MessageInput = { id: string; external_id: string; direction: string; kind: string; body: string | null; attachments: unknown[]; metadata: unknown; provider_message_id: string; status: string };
type Written = { conversations: Map<string, { id: string; status: string }>; inserted: { id: string; provider_message_id: string }[] };

/**
 * Contacts and conversations upserted and messages inserted in ONE statement (data-modifying CTEs
 * chained through RETURNING): the group committer's transaction then costs a few round trips instead
 * of one per table, which is most of a webhook's acknowledgement time. Rows go in sorted by customer,
 * so concurrent writers lock them in the same order. `external_id` is the customer's id on the channel.
 */
const writeMessages = async ({ tx }: TxContext, channel: ChannelRef, input: { contacts: ContactInput[]; messages: MessageInput[] }): Promise<Written> => {
  const rows = await tx.execute<{ t: "v" | "m"; external_id: string | null; id: string; status: string | null; provider_message_id: string | null }>(sql`
    with ic as (
      select * from jsonb_to_recordset(${JSON.stringify(input.contacts)}::jsonb)
        as t(id text, external_id text, display_name text, profile jsonb, conversation_id text, last_at timestamptz)
    ), c as (
      insert into contacts (id, tenant_id, channel_id, external_id, display_name, profile)
      select id, ${channel.tenant_id}, ${channel.id}, external_id, display_name, profile from ic order by external_id
      on conflict (channel_id, external_id) do update set display_name = coalesce(excluded.display_name, contacts.display_name)
      returning id, external_id
    ), v as (
      insert into conversations (id, tenant_id, brand_id, channel_id, contact_id, last_customer_message_at)
      select ic.conversation_id, ${channel.tenant_id}, ${channel.brand_id}, ${channel.id}, c.id, ic.last_at from ic join c using (external_id) order by ic.external_id
      on conflict (contact_id) do update set
        last_customer_message_at = greatest(conversations.last_customer_message_at, excluded.last_customer_message_at),
        status = case when conversations.status = 'closed' and excluded.last_customer_message_at is not null then 'bot' else conversations.status end,
        updated_at = now()
      returning id, contact_id, status
    ), im as (
      select * from jsonb_to_recordset(${JSON.stringify(input.messages)}::jsonb)
        as t(id text, external_id text, direction text, kind text, body text, attachments jsonb, metadata jsonb, provider_message_id text, status text)
    ), m as (
      insert into messages (id, tenant_id, conversation_id, channel_id, direction, kind, body, attachments, metadata, provider_message_id, status)
      select im.id, ${channel.tenant_id}, v.id, ${channel.id}, im.direction, im.kind, im.body, im.attachments, im.metadata, im.provider_message_id, im.status
      from im join c using (external_id) join v on v.contact_id = c.id
      on conflict (channel_id, provider_message_id) do nothing
      returning id, provider_message_id
    )
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
  const messages = dedupeBy(parsed.messages, (m) => m.providerMessageId);

  if (messages.length) {
    // Sorted: concurrent writers then lock contact and conversation rows in the same order (no deadlocks).
    const customers = dedupeBy(messages, (m) => m.conversationId).sort((a, b) => (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0));
    const lastCustomerAt = new Map<string, number>();
    for (const m of messages) {
      if (m.isEcho) continue;
      lastCustomerAt.set(m.conversationId, Math.max(lastCustomerAt.get(m.conversationId) ?? 0, m.timestamp));
    }
    const written = await writeMessages(ctx, channel, {
      contacts: customers.map((m) => ({
        id: newId("con"),
        external_id: m.conversationId,
        display_name: m.isGroup ? null : (m.contact.name ?? m.contact.username ?? null),
        profile: m.isGroup ? { group: true } : { username: m.contact.username, language: m.contact.languageCode },
        conversation_id: newId("cnv"),
        last_at: lastCustomerAt.has(m.conversationId) ? new Date(lastCustomerAt.get(m.conversationId)!).toISOString() : null,
      })),
      messages: messages.map((m) => ({
        id: newId("msg"),
        external_id: m.conversationId,
        direction: m.isEcho ? "out" : "in",
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
        status: m.isEcho ? "sent" : "received",
      })),
    });
    const conversationOf = (m: InboundMessage) => written.conversations.get(m.conversationId)!;
    const inserted = written.inserted;
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
  // Keep the furthest status per message from this batch; the SQL keeps the stored one when it is further.
  const best = new Map<string, (typeof statuses)[number]>();
  for (const s of statuses) {
    const current = best.get(s.providerMessageId);
    if (isStatusAdvance(current?.status, s.status)) best.set(s.providerMessageId, s);
  }
  if (best.size === 0) return 0;
  // One UPDATE for all of them: status callbacks outnumber messages three to one on a busy number.
  const input = [...best.values()].map((s) => ({
    provider_message_id: s.providerMessageId,
    status: s.status === "played" ? "read" : s.status,
    rank: statusRank(s.status),
    error_code: s.error?.code ?? null,
    error_message: s.error ? [s.error.title, s.error.details].filter(Boolean).join(": ") : null,
  }));
  const rows = await tx.execute(sql`
    update messages set status = s.status, error_code = s.error_code, error_message = s.error_message, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as s(provider_message_id text, status text, rank int, error_code text, error_message text)
    where messages.channel_id = ${channel.id} and messages.provider_message_id = s.provider_message_id
      and messages.direction = 'out' and ${STATUS_RANK_SQL} < s.rank
    returning messages.id`);
  return rows.length;
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
