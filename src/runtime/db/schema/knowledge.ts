import { boolean, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** Raw bytes (little-endian float32 vectors): compact, and decoded without parsing text. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });
import { brands } from "./brands";

/** A document or URL a brand's knowledge came from; `content_hash` makes re-ingesting unchanged input a no-op. */
export const knowledgeSources = pgTable(
  "knowledge_sources",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    brand_id: text("brand_id")
      .notNull()
      .references(() => brands.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"file" | "url">().notNull(),
    source: text("source").notNull(),
    content_hash: text("content_hash").notNull(),
    status: text("status").notNull().default("ready"),
    error: text("error"),
    /** Passages of this source held back by the ingest-time injection check (see chunks.quarantined). */
    quarantined: integer("quarantined").notNull().default(0),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("knowledge_sources_brand_source").on(t.brand_id, t.source),
    index("knowledge_sources_tenant").on(t.tenant_id),
  ],
);

/** A retrievable piece of a source: text, where it came from, its lexical terms and (optionally) its embedding. */
export const chunks = pgTable(
  "chunks",
  {
    id: text("id").primaryKey(),
    tenant_id: text("tenant_id").notNull(),
    brand_id: text("brand_id").notNull(),
    source_id: text("source_id")
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: "cascade" }),
    /** `<source>#<ordinal>`: the id retrieval reports, unique within a brand. */
    chunk_key: text("chunk_key").notNull(),
    ordinal: integer("ordinal").notNull(),
    text: text("text").notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    token_count: integer("token_count").notNull().default(0),
    embedding: bytea("embedding"),
    embedding_model: text("embedding_model"),
    /** Held back: stored for the owner to review, never loaded into a search index. */
    quarantined: boolean("quarantined").notNull().default(false),
    /** The ingest-time finding (reasons, score, evidence) and, once released, by whom and when; null: clean. */
    quarantine: jsonb("quarantine").$type<Record<string, unknown>>(),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("chunks_tenant_brand").on(t.tenant_id, t.brand_id), index("chunks_source").on(t.source_id, t.ordinal)],
);
