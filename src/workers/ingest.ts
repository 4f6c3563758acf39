import { runIngest, type IngestProgress, type IngestSummary, type RetrievalBackend, type SourceUpsert } from "../rag";
import type { BlobStore } from "../runtime";
import { transaction, type Db, type Tx } from "../runtime/db";
import type { JobHandler } from "../runtime/queue";
import { recordAudit } from "../tenancy";

export const INGEST_JOB = "ingest";

export type IngestPayload = { tenant_id: string; brand_id: string; inputs: string[]; prune: boolean; crawl?: { max_pages: number; max_depth: number } };
type Backend = RetrievalBackend & { upsertSources?: (inputs: SourceUpsert[]) => Promise<{ status: string }[]> };

/**
 * One audit entry per passage an ingest held back (`knowledge.quarantine`), whichever way the ingest
 * ran (job on the server, or `xin ingest` straight into the store): the owner can see when and why.
 */
export const auditQuarantined = async (tx: Tx, tenantId: string, actor: string, quarantined: IngestSummary["quarantined"]): Promise<void> => {
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
 * Ingestion as a durable job (what `xin ingest` asks a running server for): progress is written to
 * the job row at most every 250 ms for clients to follow, and the final summary is the job's result.
 * Re-running after a crash is cheap: sources already stored with the same hash are skipped.
 */
export const ingestHandler =
  (deps: { db: () => Db; backend: Backend; blobs: BlobStore; embed?: (texts: string[], tenantId: string) => Promise<Float32Array[]> }): JobHandler =>
  async (job, ctx) => {
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
    if (summary.quarantined.length > 0) await transaction(deps.db(), ({ tx }) => auditQuarantined(tx, payload.tenant_id, "system", summary.quarantined));
    await ctx.reportProgress({ phase: "done", summary });
    ctx.log.info("ingest done", { added: summary.added.length, changed: summary.changed.length, failed: summary.failed.length, chunks: summary.chunks, quarantined: summary.quarantined.length });
  };
