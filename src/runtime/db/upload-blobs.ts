import { and, eq, inArray } from "drizzle-orm";
import type { Sql } from "postgres";
import type { BlobStore } from "../blobs";
import type { Db, Tx } from "./client";
import { uploadBlobs } from "./schema";

type Upload = { blob: string; bytes: Uint8Array };

/**
 * Uploaded files for an ingest job, shared through the store: the instance that took the upload keeps
 * the bytes in its own blob store, and in `upload_blobs` in the transaction that queues the job, so
 * whichever instance claims the job can read them (before this, a second instance's ingest of an
 * upload reported "the uploaded content is gone from the blob store").
 */
export const shareUploads = async (tx: Tx, tenantId: string, uploads: Upload[]): Promise<void> => {
  if (uploads.length === 0) return;
  await tx
    .insert(uploadBlobs)
    .values(uploads.map((u) => ({ tenant_id: tenantId, sha256: u.blob, bytes: u.bytes })))
    .onConflictDoNothing();
};

/** Copies into this instance's blob store the job's uploads it does not hold yet (checked by hash). */
export const fetchSharedUploads = async (
  db: () => Db,
  blobs: BlobStore,
  tenantId: string,
  shas: string[],
): Promise<void> => {
  const missing = shas.filter((sha) => blobs.read(sha) === null);
  if (missing.length === 0) return;
  const rows = await db()
    .select({ sha256: uploadBlobs.sha256, bytes: uploadBlobs.bytes })
    .from(uploadBlobs)
    .where(and(eq(uploadBlobs.tenant_id, tenantId), inArray(uploadBlobs.sha256, missing)));
  // The blob store files bytes under their own hash: a row whose bytes do not match its name stays missing.
  for (const r of rows) blobs.put(new Uint8Array(r.bytes));
};

/**
 * Drops shared uploads no open ingest job names any more (the purge job runs it): their jobs have run.
 * Files a message carries (web-widget visitors' attachments) stay as long as that message does. A fresh
 * upload not yet named by a message is kept for a day (the visitor sends it right after uploading).
 */
export const releaseSharedUploads = async (sql: Sql): Promise<number> => {
  const rows = await sql`
    delete from upload_blobs u where not exists (
      select 1 from jobs j where j.kind = 'ingest' and j.state in ('queued', 'running') and j.tenant_id = u.tenant_id
        and j.payload->'files' @> jsonb_build_array(jsonb_build_object('blob', u.sha256)))
      and u.created_at < now() - interval '1 day'
      and not exists (select 1 from messages m where m.tenant_id = u.tenant_id and m.direction = 'in'
        and m.attachments @> jsonb_build_array(jsonb_build_object('sha256', u.sha256)))`;
  return rows.count;
};
