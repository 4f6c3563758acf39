import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { brands } from "./brands";

/**
 * A connected account of a brand on one provider. `credentials_sealed` is encrypted with the instance
 * key (runtime/crypto encryptSecret); `external_id` is the provider's id for the account (WhatsApp
 * phone_number_id, Instagram account id, Telegram bot id) used to route webhooks that batch accounts.
 */
export const channels = pgTable(
  "channels",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    brand_id: text("brand_id")
      .notNull()
      .references(() => brands.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    name: text("name").notNull(),
    external_id: text("external_id"),
    credentials_sealed: text("credentials_sealed"),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    enabled: boolean("enabled").notNull().default(true),
    poll_offset: text("poll_offset"),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("channels_tenant").on(t.tenant_id),
    uniqueIndex("channels_provider_external").on(t.provider, t.external_id),
  ],
);
