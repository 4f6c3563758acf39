import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenants } from "./tenants";

export type Persona = { name: string; tone: string; language: string; directives: string[] };

/** A brand of a tenant: its persona (voice) and policies drive every answer on its channels. */
export const brands = pgTable(
  "brands",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    persona: jsonb("persona").$type<Persona>().notNull(),
    policies: jsonb("policies").$type<Record<string, unknown>>().notNull().default({}),
    /** Bumped in every transaction that changes the brand's knowledge: in-process indexes compare it to resync. */
    knowledge_revision: bigint("knowledge_revision", { mode: "number" }).notNull().default(0),
    widget: jsonb("widget").$type<Record<string, unknown>>().notNull().default({}),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("brands_tenant_slug").on(t.tenant_id, t.slug), index("brands_tenant").on(t.tenant_id)],
);
