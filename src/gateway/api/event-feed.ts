import { and, asc, eq, gt, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Sql } from "postgres";
import { schema, type Db } from "../../runtime/db";
import { WAKE_CHANNEL } from "../../runtime/queue";

/** The NOTIFY channel agent-visible changes announce themselves on (besides the job queue's). */
export const EVENTS_CHANNEL = "xin_events";

export type FeedEvent = {
  type: "escalation" | "message" | "ingestion" | "conversation.closed";
  at: Date;
  data: Record<string, unknown>;
};

/**
 * Fans one LISTEN connection per process out to every open event stream. Writers anywhere (any
 * instance) announce commits through pg_notify — the job queue's NOTIFY on every enqueue and
 * EVENTS_CHANNEL — so a stream re-reads the store promptly; a missed signal costs one poll interval.
 */
export class ChangeSignal {
  private waiters = new Set<() => void>();
  private started: Promise<void> | null = null;

  constructor(private readonly sql: () => Sql) {}

  private start() {
    this.started ??= (async () => {
      const fire = () => {
        const all = [...this.waiters];
        this.waiters.clear();
        for (const w of all) w();
      };
      await this.sql().listen(WAKE_CHANNEL, fire);
      await this.sql().listen(EVENTS_CHANNEL, fire);
    })().catch(() => {
      this.started = null; // retried by the next waiter; polling covers the gap
    });
    return this.started;
  }

  async wait(ms: number, signal: AbortSignal): Promise<void> {
    await this.start();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** How far back each read looks again: a transaction that commits late with an earlier now() is still seen. */
export const LOOKBACK_MS = 5000;

/**
 * Changes a tenant scope may see since `from` (minus the lookback), oldest first. Delivery is at least
 * once: a resumed stream may repeat an event; (type, id, at) identifies one.
 */
export const readChanges = async (db: Db, tenantId: string | null, from: Date): Promise<FeedEvent[]> => {
  const since = new Date(from.getTime() - LOOKBACK_MS);
  const e = schema.escalations;
  const m = schema.messages;
  const j = schema.jobs;
  const c = schema.conversations;
  const [escalations, messages, jobs, closed] = await Promise.all([
    db
      .select({
        id: e.id,
        state: e.state,
        reason: e.reason,
        conversation_id: e.conversation_id,
        agent_id: e.agent_id,
        at: e.updated_at,
      })
      .from(e)
      .where(and(tenantId ? eq(e.tenant_id, tenantId) : undefined, gt(e.updated_at, since)))
      .orderBy(asc(e.updated_at))
      .limit(500),
    db
      .select({
        id: m.id,
        conversation_id: m.conversation_id,
        direction: m.direction,
        status: m.status,
        at: m.updated_at,
      })
      .from(m)
      .where(
        and(tenantId ? eq(m.tenant_id, tenantId) : undefined, gt(m.updated_at, since), sql`${m.status} <> 'draft'`),
      )
      .orderBy(asc(m.updated_at))
      .limit(500),
    db
      .select({
        id: j.id,
        state: j.state,
        progress: j.progress,
        at: sql<Date>`coalesce(${j.finished_at}, now())`.mapWith((v: string | Date) => new Date(v)),
      })
      .from(j)
      .where(
        and(
          eq(j.kind, "ingest"),
          tenantId ? eq(j.tenant_id, tenantId) : isNotNull(j.kind),
          or(inArray(j.state, ["queued", "running"]), gt(j.finished_at, since)),
        ),
      ),
    // A conversation closed (by the close_idle automation or otherwise): its row, while it stays closed.
    db
      .select({
        id: c.id,
        brand_id: c.brand_id,
        channel_id: c.channel_id,
        contact_id: c.contact_id,
        status: c.status,
        at: c.updated_at,
      })
      .from(c)
      .where(and(tenantId ? eq(c.tenant_id, tenantId) : undefined, eq(c.status, "closed"), gt(c.updated_at, since)))
      .orderBy(asc(c.updated_at))
      .limit(500),
  ]);
  const events: FeedEvent[] = [
    ...escalations.map(({ at, ...data }) => ({ type: "escalation" as const, at, data })),
    ...messages.map(({ at, ...data }) => ({ type: "message" as const, at, data })),
    ...jobs.map(({ at, ...data }) => ({ type: "ingestion" as const, at, data })),
    ...closed.map(({ at, ...data }) => ({ type: "conversation.closed" as const, at, data })),
  ];
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
};
