// The SQL both webhook write paths share (persist.ts inside a transaction, persist-one-statement.ts
// alone): inputs built once in JS, rows written set-based by data-modifying CTEs.
import { sql, type SQL } from "drizzle-orm";
import {
  bodyOf,
  isStatusAdvance,
  shouldRespond,
  statusRank,
  type ChannelAction,
  type InboundContent,
  type InboundMessage,
  type ParseResult,
} from "../channels";
import { newId } from "../runtime";
import { attemptMessageId } from "./attempt-id";
import { schema } from "../runtime/db";

/** The channel row fields the write path needs (the gateway resolved it from the URL). */
export type ChannelRef = { id: string; tenant_id: string; brand_id: string; provider: string };

export const RESPOND_JOB = "respond";
export const MEDIA_FETCH_JOB = "media.fetch";
export const CHANNEL_ACT_JOB = "channel.act";

type ContactInput = {
  id: string;
  external_id: string;
  display_name: string | null;
  profile: unknown;
  conversation_id: string;
  last_at: string | null;
};
type MessageInput = {
  id: string;
  external_id: string;
  direction: string;
  kind: string;
  body: string | null;
  attachments: unknown[];
  metadata: unknown;
  provider_message_id: string;
  status: string;
  /** What the follow-up jobs depend on: input order, provider time, whether the bot answers it, whether it has a file to fetch. */
  ord: number;
  ts: number;
  answerable: boolean;
  media: boolean;
  /** The provider acknowledgement the event needs at once, whatever the answer (a Telegram button press). */
  ack: ChannelAction | null;
  /** The `traceparent` of the request that carried it (tracing on): its jobs continue that trace. */
  trace: string | null;
};
export type MessageInputs = { messages: InboundMessage[]; contacts: ContactInput[]; rows: MessageInput[] };
type StatusInput = {
  provider_message_id: string;
  attempt_id: string | null;
  attempt_message_id: string | null;
  status: string;
  rank: number;
  error_code: string | null;
  error_message: string | null;
};

const attachmentsOf = (c: InboundContent): unknown[] =>
  c.kind === "media" ? [c.media] : c.kind === "edit" ? attachmentsOf(c.content) : [];

export const dedupeBy = <T>(items: T[], key: (t: T) => string): T[] => [
  ...new Map(items.map((i) => [key(i), i])).values(),
];

/**
 * A Telegram client shows a progress bar on the pressed button until the bot answers the callback
 * query: answered by a job of its own, started with the webhook's statement, never behind the reply.
 */
const ackOf = (m: InboundMessage): ChannelAction | null =>
  m.content.kind === "callback_query" && !m.isEcho
    ? { kind: "answer_callback", conversationId: m.conversationId, queryId: m.content.queryId }
    : null;

/** Contact, conversation and message rows for a batch of parsed messages (deduplicated by provider id). */
/**
 * `traces`: each message's W3C `traceparent` (the webhook request that carried it, kept by the gateway's
 * group commit): the jobs derived from a message continue its request's trace. Absent: the active span's.
 */
export const messageInputs = (
  parsed: InboundMessage[],
  traces?: ReadonlyMap<InboundMessage, string>,
): MessageInputs => {
  const messages = dedupeBy(parsed, (m) => m.providerMessageId);
  // Sorted: concurrent writers then lock contact and conversation rows in the same order (no deadlocks).
  const customers = dedupeBy(messages, (m) => m.conversationId).sort((a, b) =>
    a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0,
  );
  const lastCustomerAt = new Map<string, number>();
  for (const m of messages) {
    if (m.isEcho) continue;
    lastCustomerAt.set(m.conversationId, Math.max(lastCustomerAt.get(m.conversationId) ?? 0, m.timestamp));
  }
  // Ids ascending in input order (the batch shares one created_at; the id breaks the tie): a burst posted
  // in one webhook is read back in the order the customer sent it.
  const ids = messages.map(() => newId("msg")).sort();
  return {
    messages,
    contacts: customers.map((m) => ({
      id: newId("con"),
      external_id: m.conversationId,
      display_name: m.isGroup ? null : (m.contact.name ?? m.contact.username ?? null),
      profile: m.isGroup ? { group: true } : { username: m.contact.username, language: m.contact.languageCode },
      conversation_id: newId("cnv"),
      last_at: lastCustomerAt.has(m.conversationId)
        ? new Date(lastCustomerAt.get(m.conversationId)!).toISOString()
        : null,
    })),
    rows: messages.map((m, ord) => {
      const content = m.content.kind === "edit" ? m.content.content : m.content;
      return {
        id: ids[ord],
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
        ord,
        ts: m.timestamp,
        answerable: shouldRespond(m),
        media: content.kind === "media" && !m.isEcho,
        ack: ackOf(m),
        trace: traces?.get(m) ?? null,
      };
    }),
  };
};

/**
 * Contacts and conversations upserted and messages inserted by chained CTEs (`c`, `v`, `m`; `im` is
 * the input; `pm` lists the messages awaiting a turn as pending): one statement, rows sorted by customer so concurrent writers lock in the same order.
 * `external_id` is the customer's id on the channel. Follow with the statement's final SELECT.
 */
export const messageCtes = (channel: ChannelRef, input: MessageInputs): SQL => sql`
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
  select * from jsonb_to_recordset(${JSON.stringify(input.rows)}::jsonb)
    as t(id text, external_id text, direction text, kind text, body text, attachments jsonb, metadata jsonb, provider_message_id text, status text,
      ord int, ts float8, answerable boolean, media boolean, ack jsonb, trace text)
), m as (
  insert into messages (id, tenant_id, conversation_id, channel_id, direction, kind, body, attachments, metadata, provider_message_id, status, awaits_turn)
  select im.id, ${channel.tenant_id}, v.id, ${channel.id}, im.direction, im.kind, im.body, im.attachments, im.metadata, im.provider_message_id, im.status, im.answerable
  from im join c using (external_id) join v on v.contact_id = c.id
  on conflict (channel_id, provider_message_id) do nothing
  returning id, provider_message_id, conversation_id, created_at, awaits_turn
), pm as (
  insert into pending_messages (conversation_id, created_at, message_id)
  select conversation_id, created_at, id from m where awaits_turn
)
`;

/** The furthest status per message of the batch (the UPDATE keeps a stored one that is further). */
export const statusInputs = (statuses: ParseResult["statuses"]): StatusInput[] => {
  const best = new Map<string, (typeof statuses)[number]>();
  for (const s of statuses) {
    const current = best.get(s.providerMessageId);
    if (isStatusAdvance(current?.status, s.status)) best.set(s.providerMessageId, s);
  }
  return [...best.values()].map((s) => {
    const attempt =
      s.attemptId ??
      statuses.find((o) => o.providerMessageId === s.providerMessageId && o.attemptId)?.attemptId ??
      null;
    return {
      provider_message_id: s.providerMessageId,
      attempt_id: attempt,
      attempt_message_id: attempt === null ? null : attemptMessageId(attempt),
      status: s.status === "played" ? "read" : s.status,
      rank: statusRank(s.status),
      error_code: s.error?.code ?? null,
      error_message: s.error ? [s.error.title, s.error.details].filter(Boolean).join(": ") : null,
    };
  });
};

const STATUS_RANK_SQL = sql`case ${schema.messages.status} when 'queued' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'played' then 4 when 'failed' then 5 else 0 end`;

/**
 * One UPDATE applying delivery statuses monotonically to our outbound messages; returns their ids. A
 * status echoing a send attempt id (WhatsApp `biz_opaque_callback_data`) also finds a row still queued
 * under that attempt — one whose send answer was lost in a crash — and marks it with the provider's id:
 * that settles the attempt in doubt, and the delivery worker will not send it again. The attempt id names
 * its message (`attempt-id.ts`): that row is found by primary key, then must still carry the attempt.
 */
export const statusUpdate = (channel: ChannelRef, input: StatusInput[]): SQL => sql`
  update messages set status = s.status, provider_message_id = coalesce(messages.provider_message_id, s.provider_message_id),
    error_code = s.error_code, error_message = s.error_message, updated_at = now()
  from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as s(provider_message_id text, attempt_id text, attempt_message_id text, status text, rank int, error_code text, error_message text)
  where messages.channel_id = ${channel.id}
    and (messages.provider_message_id = s.provider_message_id
      or (messages.id = s.attempt_message_id and messages.status = 'queued' and messages.send_attempt_id = s.attempt_id))
    and messages.direction = 'out' and ${STATUS_RANK_SQL} < s.rank
  returning messages.id`;
