import type { Persona } from "../runtime/db/schema/brands";
import { sqlOf, type Db } from "../runtime/db";

/** How many recent (and pending) messages are read per respond run: history beyond them never fits the budget anyway. */
export const RECENT = 60;

/** A message of the conversation's newest page, newest first. */
export type RecentRow = {
  id: string;
  direction: string;
  body: string | null;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
};
/** A message no turn has named yet (the answered link), oldest first. */
export type PendingRow = {
  id: string;
  kind: string;
  body: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
};

export type ContextRows = {
  conversation: { id: string; tenant_id: string; status: string };
  brand: {
    id: string;
    tenant_id: string;
    name: string;
    persona: Persona;
    policies: Record<string, unknown>;
    knowledge_revision: number;
  };
  channel: { id: string; provider: string };
  contactExternalId: string;
  recent: RecentRow[];
  pending: PendingRow[];
};

type Row = {
  id: string;
  tenant_id: string;
  status: string;
  brand_id: string;
  brand_tenant_id: string;
  brand_name: string;
  persona: Persona;
  policies: Record<string, unknown>;
  knowledge_revision: number;
  channel_id: string;
  provider: string;
  external_id: string;
  recent: (Omit<RecentRow, "created_at"> & { at: number })[];
  pending: (Omit<PendingRow, "created_at"> & { at: number })[];
};

/**
 * Everything a respond run reads, in ONE statement: the conversation with its brand, channel and contact,
 * its newest page of messages (the history) and its pending ones (ids from `pending_messages`; the rows
 * looked up under the conversation too, so a generic plan made while `messages` was small is not a
 * sequential scan of it: BENCH.md, "Respond path cost: HOT row versions"). Three
 * statements sent together cost three times PostgreSQL's per-statement work and xin's socket writes;
 * they were a large share of the answering path's cost (BENCH.md). A template, not a drizzle build.
 * Times travel as whole epoch milliseconds (what a Date holds), not as JSON timestamp text.
 */
export const readContextRows = async (db: Db, conversationId: string): Promise<ContextRows | null> => {
  const [row] = await sqlOf(db)<Row[]>`
    select c.id, c.tenant_id, c.status,
      b.id as brand_id, b.tenant_id as brand_tenant_id, b.name as brand_name, b.persona, b.policies, b.knowledge_revision::float8 as knowledge_revision,
      ch.id as channel_id, ch.provider, ct.external_id,
      (select coalesce(json_agg(json_build_object('id', r.id, 'direction', r.direction, 'body', r.body, 'status', r.status, 'metadata', r.metadata,
          'at', floor(extract(epoch from r.created_at) * 1000)::float8) order by r.created_at desc, r.id desc), '[]')
        from (select id, direction, body, status, metadata, created_at from messages where conversation_id = c.id
          order by created_at desc, id desc limit ${RECENT}) r) as recent,
      (select coalesce(json_agg(json_build_object('id', p.id, 'kind', p.kind, 'body', p.body, 'metadata', p.metadata,
          'at', floor(extract(epoch from p.created_at) * 1000)::float8) order by p.created_at, p.id), '[]')
        from (select m.id, m.kind, m.body, m.metadata, m.created_at from messages m
          where m.conversation_id = c.id and m.id = any(array(select pm.message_id from pending_messages pm where pm.conversation_id = c.id order by pm.created_at, pm.message_id limit ${RECENT}))) p) as pending
    from conversations c
      join brands b on b.id = c.brand_id
      join channels ch on ch.id = c.channel_id
      join contacts ct on ct.id = c.contact_id
    where c.id = ${conversationId}`;
  if (!row) return null;
  return {
    conversation: { id: row.id, tenant_id: row.tenant_id, status: row.status },
    brand: {
      id: row.brand_id,
      tenant_id: row.brand_tenant_id,
      name: row.brand_name,
      persona: row.persona,
      policies: row.policies,
      knowledge_revision: row.knowledge_revision,
    },
    channel: { id: row.channel_id, provider: row.provider },
    contactExternalId: row.external_id,
    recent: row.recent.map(({ at, ...m }) => ({ ...m, created_at: new Date(at) })),
    pending: row.pending.map(({ at, ...m }) => ({ ...m, created_at: new Date(at) })),
  };
};
