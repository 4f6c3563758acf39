import { z } from "zod";
import {
  runIngest,
  uploadNameIssue,
  type IngestProgress,
  type IngestSummary,
  type RetrievalBackend,
  type SourceUpsert,
} from "../rag";
import { XinError, type BlobStore } from "../runtime";
import { fetchSharedUploads, transaction, type Db, type Tx } from "../runtime/db";
import type { JobHandler } from "../runtime/queue";
import { recordAudit } from "../tenancy";

export const INGEST_JOB = "ingest";

/**
 * What an ingest job may do: crawl http(s) URLs and read uploaded files from the blob store. It never
 * names a server path: the payload is checked here again (a job row is data, whoever wrote it), so
 * no code path turns it into a read of the server's disk.
 */
export const IngestPayloadSchema = z
  .object({
    tenant_id: z.string(),
    brand_id: z.string(),
    urls: z.array(z.string().regex(/^https?:\/\//i, "only http(s) URLs")).default([]),
    files: z
      .array(
        z.object({
          name: z.string().refine((n) => uploadNameIssue(n) === null, "not an upload name"),
          blob: z.string().regex(/^[0-9a-f]{64}$/),
          size: z.number().int().min(0),
        }),
      )
      .default([]),
    keep: z.array(z.string()).default([]),
    prune: z.boolean().default(false),
    crawl: z.object({ max_pages: z.number().int(), max_depth: z.number().int() }).optional(),
  })
  // Strict: a payload of the old shape (`inputs` with server paths) is refused, not half-read.
  .strict();
export type IngestPayload = z.input<typeof IngestPayloadSchema>;
type Backend = RetrievalBackend & { upsertSources?: (inputs: SourceUpsert[]) => Promise<{ status: string }[]> };

/**
 * One audit entry per passage an ingest held back (`knowledge.quarantine`), whichever way the ingest
 * ran (job on the server, or `xin ingest` straight into the store): the owner can see when and why.
 */
export const auditQuarantined = async (
  tx: Tx,
  tenantId: string,
  actor: string,
  quarantined: IngestSummary["quarantined"],
): Promise<void> => {
  for (const q of quarantined) {
    await recordAudit(tx, {
      tenant_id: tenantId,
      actor,
      action: "knowledge.quarantine",
      subject_type: "passage",
      subject_id: q.chunk_id,
      after: { source: q.source, passage: q.passage, hash: q.hash, reasons: q.reasons, evidence: q.evidence },
    });
  }
};

/**
 * Ingestion as a durable job (what the admin API queues): progress is written to the job row at most
 * every 250 ms for clients to follow, and the final summary is the job's result. Crawling goes
 * through the egress guard's fetch. Re-running after a crash is cheap: sources already stored with
 * the same hash are skipped.
 */
export const ingestHandler =
  (deps: {
    db: () => Db;
    backend: Backend;
    blobs: BlobStore;
    fetch: (url: string, init: RequestInit) => Promise<Response>;
    embed?: (texts: string[], tenantId: string) => Promise<Float32Array[]>;
  }): JobHandler =>
  async (job, ctx) => {
    const parsed = IngestPayloadSchema.safeParse(job.payload);
    if (!parsed.success)
      throw Object.assign(
        new XinError(
          "ingest.payload_invalid",
          `ingest job payload refused: ${parsed.error.issues[0]?.message ?? "invalid"}`,
        ),
        { retryable: false },
      );
    const payload = parsed.data;
    let last = 0;
    const report = (p: IngestProgress) => {
      if (Date.now() - last < 250) return;
      last = Date.now();
      void ctx.reportProgress({ phase: "running", ...p });
    };
    const shas = payload.files.map((f) => f.blob);
    await fetchSharedUploads(deps.db, deps.blobs, payload.tenant_id, shas);
    const summary = await runIngest({
      backend: deps.backend,
      scope: { tenant_id: payload.tenant_id, brand_id: payload.brand_id },
      inputs: payload.urls,
      uploads: payload.files.map((f) => ({ source: f.name, read: () => deps.blobs.read(f.blob) })),
      keep: payload.keep,
      prune: payload.prune,
      fetch: deps.fetch,
      crawl: payload.crawl ? { maxPages: payload.crawl.max_pages, maxDepth: payload.crawl.max_depth } : undefined,
      // Uploaded files are in the blob store already; crawled pages are kept as they arrive.
      keepRaw: (bytes) => deps.blobs.put(bytes),
      embed: deps.embed ? (texts) => deps.embed!(texts, payload.tenant_id) : undefined,
      onProgress: report,
      signal: ctx.signal,
    });
    if (summary.quarantined.length > 0)
      await transaction(deps.db(), ({ tx }) => auditQuarantined(tx, payload.tenant_id, "system", summary.quarantined));
    await ctx.reportProgress({ phase: "done", summary });
    ctx.log.info("ingest done", {
      added: summary.added.length,
      changed: summary.changed.length,
      failed: summary.failed.length,
      chunks: summary.chunks,
      quarantined: summary.quarantined.length,
    });
  };
