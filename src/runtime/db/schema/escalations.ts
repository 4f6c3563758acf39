import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { conversations } from "./conversations";

export type EscalationState = "open" | "claimed" | "resolved" | "closed";

/** A conversation handed to humans: why, the AI draft, its sources, and how an agent resolved it. */
export const escalations = pgTable(
  "escalations",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    conversation_id: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    reason: text("reason").notNull(),
    draft: text("draft"),
    sources: jsonb("sources").$type<unknown[]>().notNull().default([]),
    state: text("state").$type<EscalationState>().notNull().default("open"),
    agent_id: text("agent_id"),
    resolution: text("resolution"),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("escalations_tenant_state").on(t.tenant_id, t.state, t.created_at)],
);
