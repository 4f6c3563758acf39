import { sql } from "drizzle-orm";
import type { Db } from "../runtime/db";

/** Answers per rolling minute; 0 switches a limit off. */
export type AnswerLimits = { perContact: number; perTenantLlm: number };

/** The rolling window both limits count answers in. */
export const WINDOW_MS = 60_000;
/** How long a tenant's counted window is reused before it is read again from the store. */
const TENANT_REFRESH_MS = 1_000;

/** Answers in the window: how many, and how long ago the oldest of them was written. */
export type AnswerWindow = { n: number; ageMs: number | null };

const countWindow = async (db: Db, where: ReturnType<typeof sql>): Promise<AnswerWindow> => {
  const [row] = await db.execute<{ n: number; age_ms: number | null }>(sql`
    select count(*)::int as n, (extract(epoch from (now() - min(created_at))) * 1000)::float8 as age_ms
    from messages where direction = 'out' and created_at > now() - interval '1 minute' and ${where}`);
  return { n: Number(row?.n ?? 0), ageMs: row?.age_ms ?? null };
};

const waitFor = (w: AnswerWindow, limit: number): number =>
  // Due when the oldest answer in the window leaves it (plus a little, so the count has dropped).
  limit <= 0 || w.n < limit ? 0 : Math.max(250, Math.ceil(WINDOW_MS - Number(w.ageMs ?? 0)) + 50);

/**
 * A tenant's LLM answers in the last minute, read from the store at most once a second per tenant and
 * process, plus the answers this process committed since. Counting a busy tenant's window is a scan of
 * up to a minute of its replies; doing it for every answer cost more than the rest of the respond step
 * together at a few hundred replies/s. The price: answers other processes sharing the store committed
 * in the last second are seen a second late, so the limit may be overshot by that much.
 */
export class TenantAnswerCounts {
  private readonly windows = new Map<string, AnswerWindow & { readAt: number }>();

  async window(db: Db, tenantId: string): Promise<AnswerWindow> {
    const cached = this.windows.get(tenantId);
    if (cached && Date.now() - cached.readAt < TENANT_REFRESH_MS) return cached;
    const fresh = {
      ...(await countWindow(db, sql`tenant_id = ${tenantId} and metadata->'answer'->>'mode' = 'llm'`)),
      readAt: Date.now(),
    };
    this.windows.set(tenantId, fresh);
    return fresh;
  }

  /** An LLM answer this process just committed: counted until the next read includes it. */
  note(tenantId: string): void {
    const cached = this.windows.get(tenantId);
    if (cached) cached.n += 1;
  }
}

/**
 * How long an answer must wait to stay within the limits that protect the LLM budget, 0 when it may go
 * now: `perContact` answers per conversation per minute (a flood from one sender waits, and its
 * messages are then answered together), `perTenantLlm` LLM answers per tenant per minute (one tenant's
 * traffic cannot starve the others). Counted from the stored replies, so the limits hold across every
 * `xin serve` sharing the database. The caller defers the job; it never drops the message.
 */
export const rateLimitWait = async (
  db: Db,
  c: { conversationId: string; tenantId: string; recentAnswers?: AnswerWindow | null },
  limits: AnswerLimits,
  tenants: TenantAnswerCounts,
): Promise<number> => {
  if (limits.perContact > 0) {
    // The respond step usually counted them already from the conversation's recent messages.
    const window =
      c.recentAnswers ?? (await countWindow(db, sql`conversation_id = ${c.conversationId} and metadata ? 'answer'`));
    const contact = waitFor(window, limits.perContact);
    if (contact > 0) return contact;
  }
  return limits.perTenantLlm > 0 ? waitFor(await tenants.window(db, c.tenantId), limits.perTenantLlm) : 0;
};
