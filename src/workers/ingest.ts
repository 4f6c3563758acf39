import { runIngest, type IngestProgress, type RetrievalBackend, type SourceUpsert } from "../rag";
import type { BlobStore } from "../runtime";
import type { JobHandler } from "../runtime/queue";

export const INGEST_JOB = "ingest";

export type IngestPayload = { tenant_id: string; brand_id: string; inputs: string[]; prune: boolean; crawl?: { max_pages: number; max_depth: number } };
type Backend = RetrievalBackend & { upsertSources?: (inputs: SourceUpsert[]) => Promise<{ status: string }[]> };

/**
 * Ingestion as a durable job (what `xin ingest` asks a running server for): progress is written to
 * the job row at most every 250 ms for clients to follow, and the final summary is the job's result.
 * Re-running after a crash is cheap: sources already stored with the same hash are skipped.
 */
export const ingestHandler = (deps: { backend: Backend; blobs: BlobStore; embed?: (texts: string[], tenantId: string) => Promise<Float32Array[]> }): JobHandler => async (job, ctx) => {
  const payload = job.payload as IngestPayload;
  let last = 0;
  const report = (p: IngestProgress) => {
    if (Date.now() - last < 250) return;
    last = Date.now();
    void ctx.reportProgress({ phase: "running", ...p });
  };
  const summary = await runIngest({
    backend: deps.backend,
    scope: { tenant_id: payload.tenant_id, brand_id: payload.brand_id },
    inputs: payload.inputs,
    prune: payload.prune,
    crawl: payload.crawl ? { maxPages: payload.crawl.max_pages, maxDepth: payload.crawl.max_depth } : undefined,
    keepRaw: (bytes) => deps.blobs.put(bytes),
    embed: deps.embed ? (texts) => deps.embed!(texts, payload.tenant_id) : undefined,
    onProgress: report,
    signal: ctx.signal,
  });
  await ctx.reportProgress({ phase: "done", summary });
  ctx.log.info("ingest done", { added: summary.added.length, changed: summary.changed.length, failed: summary.failed.length, chunks: summary.chunks });
};
