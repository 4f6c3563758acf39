import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { keysetAfter, schema, timeWindow, type Cursor, type Db } from "../runtime/db";

export type EscalationFilter = {
  tenantId: string | null;
  states: schema.EscalationState[];
  since?: Date;
  until?: Date;
  limit: number;
  after?: Cursor;
};

export const escalationListing = {
  id: schema.escalations.id,
  tenant_id: schema.escalations.tenant_id,
  conversation_id: schema.escalations.conversation_id,
  reason: schema.escalations.reason,
  state: schema.escalations.state,
  agent_id: schema.escalations.agent_id,
  resolution: schema.escalations.resolution,
  draft: schema.escalations.draft,
  created_at: schema.escalations.created_at,
  updated_at: schema.escalations.updated_at,
  brand_id: schema.brands.id,
  brand_name: schema.brands.name,
  channel_id: schema.channels.id,
  channel_name: schema.channels.name,
  provider: schema.channels.provider,
  conversation_status: schema.conversations.status,
  contact_name: schema.contacts.display_name,
  /** The name on the claiming agent's token, so colleagues see who holds it. */
  agent_name: schema.tokens.name,
};

export type EscalationSummary = Awaited<ReturnType<typeof listEscalations>>[number];

/** Escalations oldest first (the queue's order), with the brand, channel and contact agents need to triage. */
export const listEscalations = (db: Db, f: EscalationFilter) =>
  db
    .select(escalationListing)
    .from(schema.escalations)
    .innerJoin(schema.conversations, eq(schema.conversations.id, schema.escalations.conversation_id))
    .innerJoin(schema.brands, eq(schema.brands.id, schema.conversations.brand_id))
    .innerJoin(schema.channels, eq(schema.channels.id, schema.conversations.channel_id))
    .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contact_id))
    .leftJoin(schema.tokens, eq(schema.tokens.id, schema.escalations.agent_id))
    .where(
      and(
        f.tenantId ? eq(schema.escalations.tenant_id, f.tenantId) : undefined,
        f.states.length ? inArray(schema.escalations.state, f.states) : undefined,
        timeWindow(schema.escalations.created_at, f),
        keysetAfter(schema.escalations.created_at, schema.escalations.id, f.after),
      ),
    )
    .orderBy(asc(schema.escalations.created_at), asc(schema.escalations.id))
    .limit(f.limit);

/** One escalation with everything its detail view shows: sources and the recent transcript, oldest first. */
export const getEscalationDetail = async (db: Db, id: string, tenantId: string | null, transcriptLimit = 50) => {
  const [row] = await db
    .select({ ...escalationListing, sources: schema.escalations.sources })
    .from(schema.escalations)
    .innerJoin(schema.conversations, eq(schema.conversations.id, schema.escalations.conversation_id))
    .innerJoin(schema.brands, eq(schema.brands.id, schema.conversations.brand_id))
    .innerJoin(schema.channels, eq(schema.channels.id, schema.conversations.channel_id))
    .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contact_id))
    .leftJoin(schema.tokens, eq(schema.tokens.id, schema.escalations.agent_id))
    .where(and(eq(schema.escalations.id, id), tenantId ? eq(schema.escalations.tenant_id, tenantId) : undefined));
  if (!row) return null;
  const transcript = await recentMessages(db, row.conversation_id, transcriptLimit);
  return { ...row, transcript };
};

/** The last `limit` messages of a conversation, returned oldest first. Drafts are not part of the thread. */
export const recentMessages = async (db: Db, conversationId: string, limit: number) => {
  const rows = await db
    .select({
      id: schema.messages.id,
      direction: schema.messages.direction,
      body: schema.messages.body,
      status: schema.messages.status,
      author: sql<string | null>`${schema.messages.metadata}->>'author'`,
      attachments: schema.messages.attachments,
      content: sql<unknown>`${schema.messages.metadata}->'content'`,
      created_at: schema.messages.created_at,
    })
    .from(schema.messages)
    .where(and(eq(schema.messages.conversation_id, conversationId), sql`${schema.messages.status} <> 'draft'`))
    .orderBy(desc(schema.messages.created_at), desc(schema.messages.id))
    .limit(limit);
  return rows.reverse().map(({ attachments, content, ...m }) => ({ ...m, files: filesOf(attachments, content) }));
};

type StoredMedia = {
  mediaType?: string;
  mimeType?: string;
  filename?: string;
  sizeBytes?: number;
  blob?: { sha256: string };
};

/**
 * A message's files as an agent sees them: what the customer sent (`sha256` when xin holds the bytes:
 * GET /api/v1/conversations/{id}/files/{sha256}) or the link an agent's reply carried.
 */
const filesOf = (
  attachments: unknown[],
  content: unknown,
): {
  kind: string;
  name: string | null;
  mime_type: string | null;
  size: number | null;
  sha256: string | null;
  url: string | null;
}[] => {
  const stored = (attachments as StoredMedia[]).map((a) => ({
    kind: a.mediaType ?? "file",
    name: a.filename ?? null,
    mime_type: a.mimeType ?? null,
    size: a.sizeBytes ?? null,
    sha256: a.blob?.sha256 ?? null,
    url: null,
  }));
  const c = content as { kind?: string; mediaType?: string; filename?: string; source?: { url?: string } } | null;
  const linked =
    c?.kind === "media" && c.source?.url
      ? [
          {
            kind: c.mediaType ?? "file",
            name: c.filename ?? null,
            mime_type: null,
            size: null,
            sha256: null,
            url: c.source.url,
          },
        ]
      : [];
  return [...stored, ...linked];
};
