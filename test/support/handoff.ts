// Helpers for hand-off scenarios: agents with tokens calling the real admin API, what the fake Graph API
// received per customer, and the persisted state of one customer's conversation.
import { transaction, type Db } from "../../src/runtime/db";
import { issueToken } from "../../src/tenancy";
import type { TestDb } from "./db";
import type { MetaGraphFake } from "./fakes";
import { INSTANCE_KEY, type GatewayFixture } from "./gateway";

/** An admin API answer: an action's `{ escalation, message_ids }`, or `{ error }`. */
export type ApiAnswer = {
  status: number;
  body: { escalation?: Record<string, unknown>; message_ids?: string[]; error?: { code: string } };
};
/** Calls the admin API as one agent; `actor` is how the audit log names them (by token). */
export type AgentApi = ((method: string, path: string, body?: unknown) => Promise<ApiAnswer>) & { actor: string };

/** An agent token of the fixture's tenant, and a caller that sends it with every admin API request. */
export const agentOf = async (gw: GatewayFixture, name: string): Promise<AgentApi> => {
  const { token, id } = await transaction(gw.db.db as Db, ({ tx }) =>
    issueToken(tx, INSTANCE_KEY, { role: "agent", tenant_id: gw.tenantId, name }, "test"),
  );
  const call = async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await gw.fetch(
      new Request(`http://x${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: (await res.json()) as ApiAnswer["body"] };
  };
  return Object.assign(call, { actor: `token:${id}` });
};

type GraphSend = { to?: string; type?: string; text?: { body: string } };

/**
 * Everything the fake Graph API was asked to send to `waId` (read receipts and typing indicators
 * carry no recipient, so they are not counted): a reply the customer got twice shows up here.
 */
export const sentTo = (meta: MetaGraphFake, waId: string): GraphSend[] =>
  meta.requests
    .filter((r) => r.method === "POST" && r.path.endsWith("/messages"))
    .map((r) => r.body as GraphSend)
    .filter((b) => b.to === `+${waId}` || b.to === waId);

export const textsTo = (meta: MetaGraphFake, waId: string): string[] =>
  sentTo(meta, waId).map((b) => b.text?.body ?? `<${b.type}>`);

/** The customer's conversation id (one conversation per contact on a channel). */
export const conversationOf = async (db: TestDb, waId: string): Promise<string | undefined> =>
  (
    await db.sql`select c.id from conversations c join contacts k on k.id = c.contact_id where k.external_id = ${waId}`
  )[0]?.id;

export const escalationsOf = (db: TestDb, conversationId: string) =>
  db.sql`select id, reason, state, resolution, draft, agent_id from escalations where conversation_id = ${conversationId} order by created_at`;

/** Outbound rows oldest first, with who wrote them and whether they were the holding message. */
export const outboundOf = (db: TestDb, conversationId: string) =>
  db.sql`select id, body, status, metadata->>'author' as author, (metadata->>'holding')::boolean as holding, metadata->'answer' as answer
         from messages where conversation_id = ${conversationId} and direction = 'out' order by created_at, id`;

export const auditOf = (db: TestDb, subjectId: string) =>
  db.sql`select action, actor from audit_log where subject_id = ${subjectId} order by id`;

/** Resolves when no job at all is queued or running: every respond, deliver and read receipt is done. */
export const jobsSettled = async (db: TestDb): Promise<boolean> =>
  (await db.sql`select count(*)::int as n from jobs where state in ('queued', 'running')`)[0].n === 0;
