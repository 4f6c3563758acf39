import { chunkDocument } from "../ingest/chunker";
import type { BrandScope, RetrievalBackend, SourceUpsert } from "../backends/types";
import type { BeirDataset, BeirDocument } from "./beir";
import { evaluateRun, type Run } from "./metrics";

/**
 * Runs a BEIR evaluation against any retrieval target and reports what `xin eval retrieval
 * --json` prints. The target owns the store (in process, or a throwaway embedded Postgres);
 * this function owns timing and scoring, so every backend is measured the same way.
 */
export type BeirReport = {
  ndcg_at_10: number;
  recall_at_100: number;
  mrr_at_10: number;
  ingest_seconds: number;
  query_p50_ms: number;
  query_p95_ms: number;
  queries: number;
  documents: number;
};

export type BeirTarget = {
  ingest(documents: readonly BeirDocument[]): Promise<void>;
  /** Best first, document ids with scores; at most `k`. */
  search(query: string, k: number): Promise<{ id: string; score: number }[]>;
};

/** Nearest-rank percentile of an ascending list (p in 0..100); 0 for an empty list. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** Ingests the corpus into `target`, runs every query (top 100) and scores the run. */
export const runBeir = async (dataset: BeirDataset, target: BeirTarget): Promise<BeirReport> => {
  const t0 = performance.now();
  await target.ingest(dataset.corpus);
  const ingestSeconds = (performance.now() - t0) / 1000;
  const run: Run = new Map();
  const times: number[] = [];
  for (const query of dataset.queries) {
    const start = performance.now();
    const hits = await target.search(query.text, 100);
    times.push(performance.now() - start);
    // BEIR drops a query's own id from its results (matters for datasets where ids overlap).
    run.set(query.id, new Map(hits.filter((h) => h.id !== query.id).map((h) => [h.id, h.score])));
  }
  times.sort((a, b) => a - b);
  const metrics = evaluateRun(run, dataset.qrels);
  return {
    ndcg_at_10: metrics.ndcg_at_10,
    recall_at_100: metrics.recall_at_100,
    mrr_at_10: metrics.mrr_at_10,
    ingest_seconds: ingestSeconds,
    query_p50_ms: percentile(times, 50),
    query_p95_ms: percentile(times, 95),
    queries: metrics.queries,
    documents: dataset.corpus.length,
  };
};

/**
 * A BeirTarget over any RetrievalBackend: each BEIR document becomes one source (its id), parsed
 * as a titled paragraph and chunked like any other document; a document's score is its best
 * chunk's (MaxP), so long documents split into several chunks are still judged as one.
 */
export const backendTarget = (
  backend: RetrievalBackend & {
    upsertSources?: (inputs: SourceUpsert[]) => Promise<unknown>;
    warm?: (scope: BrandScope) => Promise<void>;
  },
  scope: BrandScope,
): BeirTarget => ({
  async ingest(documents) {
    // Backends that write in batches (one transaction each on Postgres) get 200 documents at a time.
    const batchSize = backend.upsertSources ? 200 : 1;
    for (let i = 0; i < documents.length; i += batchSize) {
      const batch: SourceUpsert[] = documents.slice(i, i + batchSize).map((doc) => {
        const parsed = {
          title: doc.title,
          sections: [{ kind: "paragraph" as const, text: doc.text, headingPath: [] }],
        };
        const chunks = chunkDocument(parsed, { source: doc.id });
        return { scope, meta: { source: doc.id, hash: doc.id, format: "json", title: doc.title }, chunks };
      });
      if (backend.upsertSources) await backend.upsertSources(batch);
      else for (const item of batch) await backend.upsertSource(item);
    }
    // Ingest ends when the corpus is searchable: an in-process index built on first use counts here.
    await backend.warm?.(scope);
  },
  async search(query, k) {
    const result = await backend.search({ scope, query, k: k * 3 });
    const best = new Map<string, number>();
    for (const hit of result.hits) if (!best.has(hit.chunk.source)) best.set(hit.chunk.source, hit.score);
    return [...best].slice(0, k).map(([id, score]) => ({ id, score }));
  },
});
