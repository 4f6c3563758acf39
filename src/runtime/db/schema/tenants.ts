import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** A customer of this xin instance (an agency or shop). Its id is the tenant_id on every other row. */
export const tenants = pgTable("tenants", {
  id: text("id").primaryKey(),
  tenant_id: text("tenant_id").notNull().unique(), // equals id: keeps "every row carries tenant_id" literal
  name: text("name").notNull().unique(),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
