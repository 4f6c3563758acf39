import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { brands } from "./brands";
import { channels } from "./channels";
import { contacts } from "./contacts";

export type ConversationStatus = "bot" | "human" | "closed";

/**
 * One thread between a contact and a brand on a channel. `status` is the hand-off state (a recorded
 * state, never a keyword the model writes); `last_customer_message_at` drives the 24-hour windows.
 */
export const conversations = pgTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    brand_id: text("brand_id")
      .notNull()
      .references(() => brands.id, { onDelete: "cascade" }),
    channel_id: text("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    contact_id: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    status: text("status").$type<ConversationStatus>().notNull().default("bot"),
    assigned_agent_id: text("assigned_agent_id"),
    last_customer_message_at: timestamp("last_customer_message_at", { withTimezone: true }),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // One conversation per contact (a contact is one customer on one channel): a closed one reopens.
  (t) => [
    index("conversations_tenant_status").on(t.tenant_id, t.status),
    uniqueIndex("conversations_contact").on(t.contact_id),
  ],
);
