/**
 * The widget's reads and writes. Visitor messages go through the adapter's `parse` and the same
 * `acceptParsed` write (the inbound statement with its jobs) as every webhook, so a widget message and
 * its `respond` job commit together and a resend with the same client id is a no-op.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { widget, type OutboundContent, type WidgetIngest } from "../../channels";
import { acceptParsed } from "../../inbox";
import { schema, transaction, type Db } from "../../runtime/db";
import type { Wake } from "../../runtime/queue";
import type { Presence, WireAttachment, WireMessage } from "./protocol";
import type { WidgetSite } from "./settings";

export type StoreDeps = { db: () => Db; wake: Wake; maxAttempts: number };

type Row = Pick<
  typeof schema.messages.$inferSelect,
  "id" | "direction" | "body" | "metadata" | "attachments" | "provider_message_id" | "created_at"
>;

const VISIBLE_OUT = ["sent", "delivered", "read"] as const;
const HISTORY_LIMIT = 200;

type StoredMedia = {
  mimeType?: string;
  filename?: string;
  sizeBytes?: number;
  sha256?: string;
  blob?: { sha256: string };
};

const MIME_OF_MEDIA: Record<string, string> = {
  image: "image/*",
  document: "application/pdf",
  video: "video/*",
  audio: "audio/*",
};

/** A visitor's stored uploads (fetched back by hash), or a reply's file (a link the agent gave). */
const attachmentsOf = (row: Row, content: OutboundContent | undefined): WireAttachment[] => {
  if (row.direction === "in") {
    return (row.attachments as StoredMedia[])
      .filter((a) => a.blob?.sha256)
      .map((a) => ({
        name: a.filename ?? "file",
        mime_type: a.mimeType ?? "application/octet-stream",
        ...(a.sizeBytes ? { size: a.sizeBytes } : {}),
        sha256: a.blob?.sha256,
      }));
  }
  if (content?.kind !== "media" || !("url" in content.source)) return [];
  const url = content.source.url;
  const name = content.filename ?? decodeURIComponent(new URL(url).pathname.split("/").pop() || "file");
  return [{ name, mime_type: MIME_OF_MEDIA[content.mediaType] ?? "application/octet-stream", url }];
};

const toWire = (row: Row): WireMessage => {
  const content = (row.metadata as { content?: OutboundContent }).content;
  const meta = row.metadata as { author?: string; agent_name?: unknown };
  const attachments = attachmentsOf(row, content);
  const buttons = content?.kind === "buttons" ? content.buttons.map((b) => ({ id: b.id, title: b.title })) : undefined;
  const clientId = row.direction === "in" ? row.provider_message_id?.split(":")[1] : undefined;
  const streamId = row.direction === "out" ? (row.metadata as { stream_id?: unknown }).stream_id : undefined;
  return {
    id: row.id,
    role: row.direction === "in" ? "visitor" : "assistant",
    text: row.body ?? "",
    ...(buttons ? { buttons } : {}),
    ...(row.direction === "out" && meta.author === "human"
      ? { agent: typeof meta.agent_name === "string" ? meta.agent_name : "" }
      : {}),
    ...(attachments.length ? { attachments } : {}),
    ...(clientId ? { client_id: clientId } : {}),
    ...(typeof streamId === "string" ? { stream_id: streamId } : {}),
    at: row.created_at.toISOString(),
  };
};

const columns = {
  id: schema.messages.id,
  direction: schema.messages.direction,
  body: schema.messages.body,
  metadata: schema.messages.metadata,
  attachments: schema.messages.attachments,
  provider_message_id: schema.messages.provider_message_id,
  created_at: schema.messages.created_at,
};

const visible = sql`(${schema.messages.direction} = 'in' or ${schema.messages.status} in ${VISIBLE_OUT})`;

export type Accepted = { messages: WireMessage[]; willReply: boolean };

/** Stores a visitor's messages and their `respond` job in one transaction; returns them as stored. */
export const acceptVisitorMessages = async (
  deps: StoreDeps,
  site: WidgetSite,
  ingest: WidgetIngest,
): Promise<Accepted> => {
  const body = new TextEncoder().encode(JSON.stringify(ingest));
  const parsed = widget.parse(body, { channelId: site.channel.id, credentials: site.credentials });
  const keys = parsed.messages.map((m) => m.providerMessageId);
  // The stored rows are read inside the transaction: the caller can then show them to the visitor as
  // soon as it commits, before the reply — whose job may start at that very commit — can overtake them.
  const { outcome, rows } = await transaction(deps.db(), async (tx) => {
    const result = await acceptParsed(tx, deps.wake, deps.maxAttempts, site.channel, parsed);
    const stored = await tx.tx
      .select(columns)
      .from(schema.messages)
      .where(and(eq(schema.messages.channel_id, site.channel.id), inArray(schema.messages.provider_message_id, keys)))
      .orderBy(asc(schema.messages.created_at));
    return { outcome: result, rows: stored };
  });
  return { messages: rows.map(toWire), willReply: outcome.conversations.length > 0 };
};

/** The visitor's conversation as the widget shows it: messages in and replies that went out, oldest first. */
export const historyOf = async (db: Db, channelId: string, visitorId: string): Promise<WireMessage[]> => {
  const rows = await db
    .select(columns)
    .from(schema.messages)
    .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversation_id))
    .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contact_id))
    .where(and(eq(schema.contacts.channel_id, channelId), eq(schema.contacts.external_id, visitorId), visible))
    .orderBy(desc(schema.messages.created_at))
    .limit(HISTORY_LIMIT);
  return rows.reverse().map(toWire);
};

/** A reply announced on `xin_widget`, once its `sent` state committed; null if not visible (yet). */
export const sentMessage = async (
  db: Db,
  channelId: string,
  providerMessageId: string,
): Promise<WireMessage | null> => {
  const [row] = await db
    .select(columns)
    .from(schema.messages)
    .where(
      and(
        eq(schema.messages.channel_id, channelId),
        eq(schema.messages.provider_message_id, providerMessageId),
        visible,
      ),
    );
  return row ? toWire(row) : null;
};

/**
 * Who answers this visitor now: a person who took the conversation over (by their token's name), a
 * person not yet there (the bot handed over and paused), or the assistant.
 */
export const presenceOf = async (db: Db, channelId: string, visitorId: string): Promise<Presence> => {
  const rows = await db.execute<{ status: string; agent: string | null }>(sql`
    select c.status, t.name as agent from conversations c
    join contacts ct on ct.id = c.contact_id
    left join tokens t on t.id = c.assigned_agent_id
    where ct.channel_id = ${channelId} and ct.external_id = ${visitorId}
    limit 1`);
  const row = rows[0];
  if (row?.status !== "human") return { state: "bot" };
  return row.agent !== null ? { state: "agent", agent: row.agent } : { state: "waiting" };
};

/**
 * Keeps the e-mail a visitor left (the away note asks for it) on their contact, where agents see it.
 * Before their first message there is no contact yet: false, and the widget asks again after one.
 */
export const saveVisitorEmail = async (
  db: Db,
  channelId: string,
  visitorId: string,
  email: string,
): Promise<boolean> => {
  const updated = await db
    .update(schema.contacts)
    .set({ profile: sql`${schema.contacts.profile} || ${JSON.stringify({ email })}::jsonb` })
    .where(and(eq(schema.contacts.channel_id, channelId), eq(schema.contacts.external_id, visitorId)))
    .returning({ id: schema.contacts.id });
  return updated.length > 0;
};
