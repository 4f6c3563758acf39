import { bigserial, customType, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * Signed webhook payloads that passed validation but that the store refused for good (a value it cannot
 * hold, a limit it enforces): acknowledged to the provider so it stops retrying, and kept here byte for
 * byte, with the store's error code, for an operator to inspect or replay. Counted in /metrics as
 * `xin_webhook_dead_letter_total{provider}`. One row per distinct body per channel.
 */
export const webhookDeadLetters = pgTable(
  "webhook_dead_letters",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    channel_id: text("channel_id").notNull(),
    provider: text("provider").notNull(),
    /** The store's refusal: `pg.<SQLSTATE>`, or `js.RangeError` for a value that cannot be serialised. */
    reason: text("reason").notNull(),
    body_sha256: text("body_sha256").notNull(),
    body: bytea("body").notNull(),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("webhook_dead_letters_body").on(t.channel_id, t.body_sha256),
    index("webhook_dead_letters_tenant_time").on(t.tenant_id, t.created_at),
  ],
);
