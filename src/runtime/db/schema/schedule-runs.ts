import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per fired slot of a schedule (workers/scheduler.ts): the durable proof that a slot ran once
 * across every instance on the database. The row and the slot's job commit together; a second leader
 * firing the same slot (two instances briefly both believing they lead) inserts nothing and enqueues
 * nothing. Small: a row per slot, kept as long as finished jobs (`queue.retention_days`).
 */
export const scheduleRuns = pgTable(
  "schedule_runs",
  {
    schedule: text("schedule").notNull(),
    /** The slot's scheduled time (to the second), not the moment the timer woke up. */
    slot: timestamp("slot", { withTimezone: true }).notNull(),
    tenant_id: text("tenant_id"), // always null: instance-wide, present so every table carries the column
    /** The data dir's owner id of the instance that fired it (null without the instance lock). */
    fired_by: text("fired_by"),
    fired_at: timestamp("fired_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.slot] })],
);
