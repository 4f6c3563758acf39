import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Instance-wide facts (one row per key), e.g. the instance id created by `xin init`. */
export const instanceMeta = pgTable("instance_meta", {
  key: text("key").primaryKey(),
  tenant_id: text("tenant_id"), // always null: instance-wide, present so every table carries the column
  value: text("value").notNull(),
  updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
