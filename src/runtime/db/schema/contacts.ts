import { index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { channels } from "./channels";

/** A customer as seen on one channel (WhatsApp wa_id, Instagram IGSID, Telegram user id, widget visitor). */
export const contacts = pgTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    channel_id: text("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    external_id: text("external_id").notNull(),
    display_name: text("display_name"),
    profile: jsonb("profile").$type<Record<string, unknown>>().notNull().default({}),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("contacts_channel_external").on(t.channel_id, t.external_id),
    index("contacts_tenant").on(t.tenant_id),
  ],
);
