import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { sniffType } from "../widget";
import { z } from "zod";
import { recentMessages } from "../../inbox";
import { schema } from "../../runtime/db";
import { defineRoute, type ApiRoute } from "./define";
import { decodeCursor, keysetAfter, MessageView, page, pageOf, PageQuery, TimeQuery, timeWindow } from "./page";
import { type AdminDeps, IdParams, inScope, notFound, TenantQuery, tenantScope } from "./scope";

const Conversation = z.object({
  id: z.string(),
  tenant_id: z.string(),
  brand_id: z.string(),
  channel_id: z.string(),
  contact_id: z.string(),
  status: z.enum(["bot", "human", "closed"]),
  assigned_agent_id: z.string().nullable(),
  last_customer_message_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
const Contact = z.object({
  id: z.string(),
  tenant_id: z.string(),
  channel_id: z.string(),
  external_id: z.string(),
  display_name: z.string().nullable(),
  created_at: z.iso.datetime(),
});

/** Conversations, their messages, and contacts. Read-only here: replies go through escalation actions. */
export const conversationRoutes = (deps: AdminDeps): ApiRoute[] => [
  defineRoute({
    method: "GET",
    path: "/api/v1/conversations",
    tag: "conversations",
    summary: "List conversations, oldest first; filter by status and creation time.",
    query: z.object({
      ...PageQuery,
      ...TimeQuery,
      ...TenantQuery,
      status: z.enum(["bot", "human", "closed"]).optional(),
    }),
    response: pageOf(Conversation),
    handle: async ({ principal, query }) => {
      const scope = tenantScope(principal, query.tenant);
      const c = schema.conversations;
      const rows = await deps
        .db()
        .select()
        .from(c)
        .where(
          and(
            inScope(c.tenant_id, scope),
            query.status ? eq(c.status, query.status) : undefined,
            timeWindow(c.created_at, query),
            keysetAfter(c.created_at, c.id, decodeCursor(query.cursor)),
          ),
        )
        .orderBy(asc(c.created_at), asc(c.id))
        .limit(query.limit);
      return page(rows, query.limit);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/conversations/:id",
    tag: "conversations",
    summary: "One conversation.",
    resource: "conversation",
    params: IdParams,
    response: Conversation,
    handle: async ({ principal, params }) => {
      const scope = tenantScope(principal);
      const [row] = await deps
        .db()
        .select()
        .from(schema.conversations)
        .where(and(eq(schema.conversations.id, params.id), inScope(schema.conversations.tenant_id, scope)));
      return row ?? Promise.reject(notFound("conversation"));
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/conversations/:id/messages",
    tag: "conversations",
    summary: "The conversation's last messages, oldest first.",
    resource: "conversation",
    params: IdParams,
    query: z.object({ limit: PageQuery.limit }),
    response: z.object({ data: z.array(MessageView) }),
    handle: async ({ principal, params, query }) => {
      const scope = tenantScope(principal);
      const [row] = await deps
        .db()
        .select({ id: schema.conversations.id })
        .from(schema.conversations)
        .where(and(eq(schema.conversations.id, params.id), inScope(schema.conversations.tenant_id, scope)));
      if (!row) throw notFound("conversation");
      return { data: await recentMessages(deps.db(), row.id, query.limit) };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/conversations/:id/files/:sha256",
    tag: "conversations",
    summary: "A file the customer sent in this conversation (its bytes, with the type read from them).",
    resource: "conversation",
    params: z.object({ id: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    response: z.unknown(),
    handle: async ({ principal, params }) => {
      const scope = tenantScope(principal);
      const rows = await deps.db().execute<{ bytes: Uint8Array }>(sql`
        select u.bytes from conversations c join upload_blobs u on u.tenant_id = c.tenant_id and u.sha256 = ${params.sha256}
        where c.id = ${params.id} and (${scope}::text is null or c.tenant_id = ${scope})
          and exists (select 1 from messages m where m.conversation_id = c.id and m.attachments @> ${JSON.stringify([{ blob: { sha256: params.sha256 } }])}::jsonb)
        limit 1`);
      if (!rows[0]) throw notFound("file");
      const bytes = new Uint8Array(rows[0].bytes);
      return new Response(new Blob([bytes]), {
        headers: {
          "content-type": sniffType(bytes) ?? "application/octet-stream",
          "x-content-type-options": "nosniff",
          "content-disposition": "attachment",
        },
      });
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/contacts",
    tag: "contacts",
    summary: "List contacts, oldest first.",
    query: z.object({ ...PageQuery, ...TimeQuery, ...TenantQuery, channel: z.string().optional() }),
    response: pageOf(Contact),
    handle: async ({ principal, query }) => {
      const scope = tenantScope(principal, query.tenant);
      const k = schema.contacts;
      const rows = await deps
        .db()
        .select({
          id: k.id,
          tenant_id: k.tenant_id,
          channel_id: k.channel_id,
          external_id: k.external_id,
          display_name: k.display_name,
          created_at: k.created_at,
        })
        .from(k)
        .where(
          and(
            inScope(k.tenant_id, scope),
            query.channel ? inArray(k.channel_id, [query.channel]) : undefined,
            timeWindow(k.created_at, query),
            keysetAfter(k.created_at, k.id, decodeCursor(query.cursor)),
          ),
        )
        .orderBy(asc(k.created_at), asc(k.id))
        .limit(query.limit);
      return page(rows, query.limit);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/contacts/:id",
    tag: "contacts",
    summary: "One contact.",
    resource: "contact",
    params: IdParams,
    response: Contact.extend({ profile: z.record(z.string(), z.unknown()) }),
    handle: async ({ principal, params }) => {
      const scope = tenantScope(principal);
      const [row] = await deps
        .db()
        .select()
        .from(schema.contacts)
        .where(and(eq(schema.contacts.id, params.id), inScope(schema.contacts.tenant_id, scope)));
      return row ?? Promise.reject(notFound("contact"));
    },
  }),
];
