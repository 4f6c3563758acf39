import type { Sql } from "postgres";

export type InboxCounts = {
  conversations: number;
  messages_in: number;
  messages_out: number;
  escalations_open: number;
};

/** Instance-wide or per-tenant counts for status pages (one round trip). */
export const inboxCounts = async (sql: Sql, tenantId: string | null = null): Promise<InboxCounts> => {
  const [row] = await sql<InboxCounts[]>`
    select
      (select count(*)::int from conversations where ${tenantId}::text is null or tenant_id = ${tenantId}) as conversations,
      (select count(*)::int from messages where direction = 'in' and (${tenantId}::text is null or tenant_id = ${tenantId})) as messages_in,
      (select count(*)::int from messages where direction = 'out' and status <> 'draft' and (${tenantId}::text is null or tenant_id = ${tenantId})) as messages_out,
      (select count(*)::int from escalations where state in ('open', 'claimed') and (${tenantId}::text is null or tenant_id = ${tenantId})) as escalations_open`;
  return { ...row };
};

/** Seconds the oldest unclaimed escalation has waited for an agent (0 when none waits): the claim-time SLO's signal. */
export const oldestOpenEscalationSeconds = async (sql: Sql): Promise<number> => {
  const [row] = await sql<{ seconds: number | null }[]>`
    select extract(epoch from now() - min(created_at))::float8 as seconds from escalations where state = 'open'`;
  return Math.max(0, row?.seconds ?? 0);
};
