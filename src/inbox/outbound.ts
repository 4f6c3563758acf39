import { splitForChannel, type ChannelCapabilities, type OutboundContent } from "../channels";
import { newId, XinError } from "../runtime";
import type { TxContext } from "../runtime/db";
import type { NewJob } from "../runtime/queue";

export const DELIVER_JOB = "deliver";

export type Reply = {
  tenant_id: string;
  conversation_id: string;
  channel_id: string;
  /** Who wrote it: decides the messaging window (the human-agent allowance never applies to AI text). */
  author: "ai" | "human";
  text: string;
  metadata?: Record<string, unknown>;
  /**
   * The inbound messages this reply answers (the answered link, `messages.answered_by`): their ids, or
   * every message of the conversation still pending (an agent's reply answers all the customer said).
   * Omitted: it names none (a holding message; the escalation names the turn).
   */
  answers?: string[] | "all_pending";
};

export type StartedReply = { ids: string[]; jobs: NewJob[]; written: Promise<unknown> };

/**
 * Stores a reply as outbound rows — one per part when the text is longer than the channel's limit, split
 * on paragraph and sentence boundaries — and returns one `deliver` job per part, keyed by conversation so
 * parts go out in order. A retry after a partial failure never repeats a part that already went out.
 * Its statements are sent at once and not waited for (`written`): the caller pipelines what follows
 * (completing its job, enqueueing the deliveries) into the same round trip.
 */
export const startReply = (
  { sql }: TxContext,
  reply: Reply,
  capabilities: Pick<ChannelCapabilities, "text">,
): StartedReply => {
  const parts = splitForChannel(reply.text, capabilities);
  const rows = parts.map((text, i) => ({
    id: newId("msg"),
    body: text,
    metadata: {
      ...reply.metadata,
      author: reply.author,
      content: { kind: "text", text } satisfies OutboundContent,
      part: i + 1,
      parts: parts.length,
    },
  }));
  // Templates, not drizzle builds (every answer runs them); the parts ride in one JSON parameter, so the
  // statement's text — and its prepared plan — is the same for one part or five. The answered link rides
  // in the conversation's update (no statement of its own): the pending rows are deleted and their messages
  // named. The delete keeps it "exactly one turn" when an agent's reply races the bot's (the second writer
  // waits on the pending row, finds it gone once the first commits, and names nothing).
  const all = reply.answers === "all_pending";
  const named = Array.isArray(reply.answers) ? reply.answers : [];
  const written = Promise.all([
    sql`insert into messages (id, tenant_id, conversation_id, channel_id, direction, kind, body, metadata, status)
      select r.id, ${reply.tenant_id}, ${reply.conversation_id}, ${reply.channel_id}, 'out', 'text', r.body, r.metadata, 'queued'
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, body text, metadata jsonb)`,
    sql`with gone as (
        delete from pending_messages
        where conversation_id = ${reply.conversation_id} and (${all}::boolean or message_id = any(${sql.array(named)}::text[]))
        returning message_id
      ), named as (
        update messages set answered_by = ${rows[0].id}
        where conversation_id = ${reply.conversation_id} and id = any(array(select message_id from gone)) and answered_by is null
        returning 1)
      update conversations set updated_at = now() where id = ${reply.conversation_id}`,
  ]);
  return {
    ids: rows.map((r) => r.id),
    jobs: rows.map((r) => ({
      kind: DELIVER_JOB,
      tenant_id: reply.tenant_id,
      key: `conv:${reply.conversation_id}`,
      payload: { message_id: r.id },
    })),
    written,
  };
};

/** `startReply`, returning once its rows are written. */
export const queueReply = async (
  ctx: TxContext,
  reply: Reply,
  capabilities: Pick<ChannelCapabilities, "text">,
): Promise<{ ids: string[]; jobs: NewJob[] }> => {
  const { ids, jobs, written } = startReply(ctx, reply, capabilities);
  await written;
  return { ids, jobs };
};

/** A file an agent sends by link: the channel fetches or shows it (no upload through xin). */
export type OutboundFile = { url: string; media_type: "image" | "document"; filename?: string };

/**
 * Stores an agent's files as outbound media rows after their text (same conversation key, so they go
 * out in order) and returns their deliver jobs. Refused with the reason when the channel cannot send
 * files by link, before anything is written.
 */
export const queueFiles = async (
  { sql }: TxContext,
  reply: Pick<Reply, "tenant_id" | "conversation_id" | "channel_id" | "metadata">,
  files: OutboundFile[],
  capabilities: Pick<ChannelCapabilities, "media">,
): Promise<{ ids: string[]; jobs: NewJob[] }> => {
  if (files.length === 0) return { ids: [], jobs: [] };
  if (!capabilities.media.outboundUrl)
    throw new XinError("api.invalid", "this channel cannot send files by link", {
      status: 400,
      data: { field: "attachments" },
    });
  const rows = files.map((f) => {
    const content: OutboundContent = {
      kind: "media",
      mediaType: f.media_type,
      source: { url: f.url },
      ...(f.filename ? { filename: f.filename } : {}),
    };
    return { id: newId("msg"), metadata: { ...reply.metadata, author: "human", content } };
  });
  await sql`insert into messages (id, tenant_id, conversation_id, channel_id, direction, kind, body, metadata, status)
    select r.id, ${reply.tenant_id}, ${reply.conversation_id}, ${reply.channel_id}, 'out', 'media', null, r.metadata, 'queued'
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, metadata jsonb)`;
  return {
    ids: rows.map((r) => r.id),
    jobs: rows.map((r) => ({
      kind: DELIVER_JOB,
      tenant_id: reply.tenant_id,
      key: `conv:${reply.conversation_id}`,
      payload: { message_id: r.id },
    })),
  };
};
