import type { Chunk } from "../ingest/chunker";
import type { BrandIndex } from "./brand-index";
import { sourceVersion, type SourceMeta } from "./types";

/**
 * Keeps an in-process BrandIndex in step with a durable store (the Postgres backend's tables),
 * without this room knowing SQL: the caller passes the stored source list (source + hash) and a
 * loader for one source's chunks. Sources whose hash or held-back count (a release) differs are reloaded and swapped atomically;
 * sources gone from the store are removed; equal hashes cost nothing.
 *
 * Run it at first use of a brand (build) and whenever the store says the brand changed (a NOTIFY
 * from another instance, or a revision counter that moved), so several `xin serve` processes on one
 * database converge on the same index. Use `SyncQueue` so two syncs of one brand never interleave:
 * a slow sync that read an old source list must not overwrite a newer one applied meanwhile.
 */
export type SourceLoader = (source: string) => Promise<{ chunks: Chunk[]; embeddings?: Float32Array[] }>;
export type SyncSummary = { added: number; changed: number; removed: number; unchanged: number };

/** Brings `index` to the state `stored` describes; returns what it did. Safe to repeat. */
export const syncBrandIndex = async (
  index: BrandIndex,
  stored: readonly SourceMeta[],
  load: SourceLoader,
): Promise<SyncSummary> => {
  const summary: SyncSummary = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  const current = new Map(index.listSources().map((m) => [m.source, sourceVersion(m)]));
  const wanted = new Set(stored.map((m) => m.source));
  for (const source of current.keys()) {
    if (!wanted.has(source) && index.removeSource(source)) summary.removed++;
  }
  for (const meta of stored) {
    if (current.get(meta.source) === sourceVersion(meta)) {
      summary.unchanged++;
      continue;
    }
    // Load fully before touching the index: the swap itself is synchronous, hence atomic.
    const { chunks, embeddings } = await load(meta.source);
    const outcome = index.replaceSource(meta, chunks, embeddings);
    summary[outcome.status]++;
  }
  return summary;
};

/** Runs tasks one at a time per key, in call order; a failed task does not block the next. */
export class SyncQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
