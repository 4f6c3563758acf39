import { sql } from "drizzle-orm";
import type { Db } from "../runtime/db";

/** Answers per rolling minute; 0 switches a limit off. */
export type AnswerLimits = { perContact: number; perTenantLlm: number };

const WINDOW_MS = 60_000;

const wait = async (db: Db, limit: number, where: ReturnType<typeof sql>): Promise<number> => {
  if (limit <= 0) return 0;
  const [row] = await db.execute<{ n: number; age_ms: number | null }>(sql`
    select count(*)::int as n, (extract(epoch from (now() - min(created_at))) * 1000)::float8 as age_ms
    from messages where direction = 'out' and created_at > now() - interval '1 minute' and ${where}`);
  if (!row || row.n < limit) return 0;
  // Due when the oldest answer in the window leaves it (plus a little, so the count has dropped).
  return Math.max(250, Math.ceil(WINDOW_MS - Number(row.age_ms ?? 0)) + 50);
};

/**
 * How long an answer must wait to stay within the limits that protect the LLM budget, 0 when it may go
 * now: `perContact` answers per conversation per minute (a flood from one sender waits, and its
 * messages are then answered together), `perTenantLlm` LLM answers per tenant per minute (one tenant's
 * traffic cannot starve the others). Counted from the stored replies, so the limits hold across every
 * `xin serve` sharing the database. The caller defers the job; it never drops the message.
 */
export const rateLimitWait = async (db: Db, c: { conversationId: string; tenantId: string }, limits: AnswerLimits): Promise<number> => {
  const contact = await wait(db, limits.perContact, sql`conversation_id = ${c.conversationId} and metadata ? 'answer'`);
  if (contact > 0) return contact;
  return wait(db, limits.perTenantLlm, sql`tenant_id = ${c.tenantId} and metadata->'answer'->>'mode' = 'llm'`);
};
