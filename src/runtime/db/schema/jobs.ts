import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export type JobState = "queued" | "running" | "done" | "dead";

/**
 * The durable job queue (runtime/queue). `key` serializes jobs: the partial unique index guarantees
 * that at most one job per key is running at any moment, across every process sharing the database.
 * `lease_token` fences a worker whose lease expired: its late completion matches no row.
 * tenant_id is null only for instance-wide jobs (retention purge).
 */
export const jobs = pgTable(
  "jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenant_id: text("tenant_id"),
    kind: text("kind").notNull(),
    key: text("key"),
    payload: jsonb("payload").$type<unknown>().notNull().default({}),
    state: text("state").$type<JobState>().notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    max_attempts: integer("max_attempts").notNull(),
    /** Times the job was in flight when its process died and was given back at the next start (not attempts: the job did not fail). */
    crashes: integer("crashes").notNull().default(0),
    run_at: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    lease_token: text("lease_token"),
    locked_by: text("locked_by"),
    locked_until: timestamp("locked_until", { withTimezone: true }),
    last_error: text("last_error"),
    /** What a long job reports while it runs and its result when done (ingestion progress and summary). */
    progress: jsonb("progress").$type<unknown>(),
    /** W3C `traceparent` of the span that enqueued the job (tracing on): its run continues that trace. */
    trace: text("trace"),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finished_at: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("jobs_claim")
      .on(t.id)
      .where(sql`state = 'queued'`), // claim walks queued jobs in id order
    index("jobs_key_open")
      .on(t.key, t.id)
      .where(sql`state in ('queued', 'running')`),
    uniqueIndex("jobs_one_running_per_key")
      .on(t.key)
      .where(sql`state = 'running' and key is not null`),
    index("jobs_running_lease")
      .on(t.locked_until)
      .where(sql`state = 'running'`),
    index("jobs_finished")
      .on(t.finished_at)
      .where(sql`state in ('done', 'dead')`),
  ],
);
