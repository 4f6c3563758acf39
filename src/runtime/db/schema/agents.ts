import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** A human (or the instance admin) who works the queue. tenant_id is null for instance admins. */
export const agents = pgTable(
  "agents",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id"),
    name: text("name").notNull(),
    role: text("role").$type<"admin" | "agent">().notNull(),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("agents_tenant").on(t.tenant_id)],
);

/**
 * Issued API tokens (JWTs). The JWT itself is never stored: `id` is its `jti`, so a token is valid only
 * while its row exists and `revoked_at` is null.
 */
export const tokens = pgTable(
  "tokens",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id"),
    agent_id: text("agent_id"),
    name: text("name").notNull(),
    role: text("role").$type<"admin" | "agent">().notNull(),
    expires_at: timestamp("expires_at", { withTimezone: true }),
    revoked_at: timestamp("revoked_at", { withTimezone: true }),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("tokens_tenant").on(t.tenant_id)],
);
