import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { conversations } from "./conversations";

export type MessageDirection = "in" | "out";
export type DeliveryStatus = "received" | "queued" | "sent" | "delivered" | "read" | "failed" | "draft";

/**
 * Every message in or out. Inbound rows are unique per (channel, provider message id): a provider's
 * retry of the same webhook inserts nothing. `body` is stored byte-exact.
 * An outbound row records each send attempt (`send_attempt_id`, `send_attempted_at`) in its own commit
 * before the provider is called: a queued row with an attempt and no provider error is in doubt after a
 * crash, and is settled by the channel's policy (workers/deliver.ts), not blindly sent again. An attempt
 * id carries its message's id (`inbox/attempt-id.ts`), so a status webhook echoing it finds the row by
 * primary key: no index names the attempt columns.
 *
 * The answered link (DESIGN §10): an inbound row that awaits a turn (`awaits_turn`, decided once at
 * ingest by `shouldRespond`) is pending until a turn names it — `answered_by` is set, in the transaction
 * that commits the turn, to the id of the reply's first outbound row or of the escalation that took it.
 * No time watermark: a message stored late with an early `created_at` is still pending. What is pending
 * is read from `pending_messages` (a row per message awaiting a turn that none named yet), not from an
 * index over this table.
 *
 * Why no index names `answered_by`, `send_attempt_id` or `status`: every answer sets the first on the
 * inbound row and the second on the outbound one, and an update that changes no indexed column can be a
 * HOT update (no new entry in each of this table's indexes) — the answering path's cost (BENCH.md). The
 * table is stored with a fillfactor below 100 (`storage.ts`, set at migrate time) so the new row version
 * finds room on its page.
 */
export const messages = pgTable(
  "messages",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    conversation_id: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    channel_id: text("channel_id").notNull(),
    direction: text("direction").$type<MessageDirection>().notNull(),
    kind: text("kind").notNull().default("text"),
    body: text("body"),
    attachments: jsonb("attachments").$type<unknown[]>().notNull().default([]),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    provider_message_id: text("provider_message_id"),
    status: text("status").$type<DeliveryStatus>().notNull(),
    awaits_turn: boolean("awaits_turn").notNull().default(false),
    /** The turn that answered this inbound message: an outbound message id (`msg_…`) or an escalation id (`esc_…`). */
    answered_by: text("answered_by"),
    error_code: text("error_code"),
    error_message: text("error_message"),
    /** The last send attempt; cleared when the provider answered with an error (nothing went out). */
    send_attempt_id: text("send_attempt_id"),
    send_attempted_at: timestamp("send_attempted_at", { withTimezone: true }),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("messages_channel_provider_id").on(t.channel_id, t.provider_message_id),
    index("messages_conversation").on(t.conversation_id, t.created_at),
    index("messages_tenant_direction").on(t.tenant_id, t.direction),
    // The retention purge's batches: a tenant's oldest messages first, without scanning the rest.
    index("messages_tenant_created").on(t.tenant_id, t.created_at),
  ],
);
