import { boolean, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** A scheduled task of a tenant (follow-ups, SLA reminders, re-ingest of URLs), run by the scheduler. */
export const automations = pgTable(
  "automations",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    brand_id: text("brand_id"),
    kind: text("kind").notNull(),
    schedule: text("schedule").notNull(),
    config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
    enabled: boolean("enabled").notNull().default(true),
    last_run_at: timestamp("last_run_at", { withTimezone: true }),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("automations_tenant").on(t.tenant_id)],
);
