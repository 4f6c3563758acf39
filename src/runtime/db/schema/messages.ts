import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { conversations } from "./conversations";

export type MessageDirection = "in" | "out";
export type DeliveryStatus = "received" | "queued" | "sent" | "delivered" | "read" | "failed" | "draft";

/**
 * Every message in or out. Inbound rows are unique per (channel, provider message id): a provider's
 * retry of the same webhook inserts nothing. `body` is stored byte-exact.
 * An outbound row records each send attempt (`send_attempt_id`, `send_attempted_at`) in its own commit
 * before the provider is called: a queued row with an attempt and no provider error is in doubt after a
 * crash, and is settled by the channel's policy (workers/deliver.ts), not blindly sent again.
 */
export const messages = pgTable(
  "messages",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    conversation_id: text("conversation_id").notNull().references(() => conversations.id, { onDelete: "cascade" }),
    channel_id: text("channel_id").notNull(),
    direction: text("direction").$type<MessageDirection>().notNull(),
    kind: text("kind").notNull().default("text"),
    body: text("body"),
    attachments: jsonb("attachments").$type<unknown[]>().notNull().default([]),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    provider_message_id: text("provider_message_id"),
    status: text("status").$type<DeliveryStatus>().notNull(),
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
    // Status webhooks that echo an attempt id find the queued row it belongs to (tiny: only rows in flight).
    index("messages_send_attempt").on(t.send_attempt_id).where(sql`status = 'queued' and send_attempt_id is not null`),
  ],
);
