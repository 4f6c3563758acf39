import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Who changed what, with before/after: every config, policy and agent action. Append-only. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenant_id: text("tenant_id"),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    subject_type: text("subject_type").notNull(),
    subject_id: text("subject_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_tenant_time").on(t.tenant_id, t.created_at)],
);
