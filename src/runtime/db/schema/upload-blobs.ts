import { customType, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * Files uploaded through the admin API for ingestion, kept in the store until the ingest job that
 * names them has run: the blob store is a folder of one instance's data dir, and with several instances
 * on one database the job may run on another (runtime/db/upload-blobs.ts). The daily purge removes
 * the rows no open ingest job names.
 */
export const uploadBlobs = pgTable(
  "upload_blobs",
  {
    tenant_id: text("tenant_id").notNull(),
    sha256: text("sha256").notNull(),
    bytes: bytea("bytes").notNull(),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenant_id, t.sha256] })],
);
