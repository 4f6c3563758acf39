import { XinError } from "../../runtime";
import { DenseIndex } from "../dense/dense-index";
import { reciprocalRankFusion } from "../fuse";
import type { Chunk } from "../ingest/chunker";
import type { Analyzer } from "../lexical/analyzer";
import { Bm25Index, type Bm25Params } from "../lexical/bm25-index";
import { queryTerms } from "../lexical/query-words";
import { readUnknownTerm } from "../lexical/spelling";
import { chunkTerms } from "./chunk-terms";
import type { SearchHit, SearchMode, SearchResult, SourceMeta, UpsertOutcome } from "./types";

// Each list is searched this deep before fusion: RRF needs overlap between lists to work.
const fusionDepth = (k: number) => Math.max(k * 5, 50);

/** A chunk's id within its brand: `<source>#<ordinal>` (stable while the source is unchanged). */
export const chunkId = (chunk: Pick<Chunk, "source" | "ordinal">): string => `${chunk.source}#${chunk.ordinal}`;

/**
 * Everything searchable for one brand, in process: the BM25 index, the dense vectors (when
 * embeddings exist), and the chunks themselves. The memory backend holds one per brand; the
 * Postgres backend can build one from its rows and apply the same replace/remove calls as it
 * commits them, so both backends rank identically.
 *
 * Contract: synchronous methods, so a replace is atomic for any reader on this thread; inputs
 * are validated before anything changes (a rejected replace leaves the old source intact).
 */
export class BrandIndex {
  readonly lexical: Bm25Index;
  private dense: DenseIndex | undefined;
  private readonly chunks = new Map<string, Chunk>();
  private readonly sources = new Map<string, { meta: SourceMeta; ids: string[] }>();

  constructor(analyzer: Analyzer, params: Partial<Bm25Params> = {}) {
    this.lexical = new Bm25Index(analyzer, params);
  }

  get chunkCount(): number {
    return this.chunks.size;
  }

  replaceSource(meta: SourceMeta, chunks: readonly Chunk[], embeddings?: readonly (readonly number[] | Float32Array)[]): UpsertOutcome {
    const previous = this.sources.get(meta.source);
    if (previous?.meta.hash === meta.hash) return { status: "unchanged", chunks: previous.ids.length };
    this.checkEmbeddings(chunks.length, embeddings);
    if (chunks.some((c) => c.source !== meta.source)) {
      throw new XinError("rag.source_mismatch", "every chunk must belong to the source being replaced", { status: 400 });
    }
    if (previous) this.dropChunks(previous.ids);
    const ids = chunks.map((chunk, i) => {
      const id = chunkId(chunk);
      this.chunks.set(id, chunk);
      this.lexical.addTerms(id, chunkTerms(this.lexical.analyzer, chunk));
      const vector = embeddings?.[i];
      if (vector !== undefined) {
        this.dense ??= new DenseIndex(vector.length);
        this.dense.add(id, vector);
      }
      return id;
    });
    this.sources.set(meta.source, { meta, ids });
    return { status: previous ? "changed" : "added", chunks: ids.length };
  }

  removeSource(source: string): boolean {
    const entry = this.sources.get(source);
    if (!entry) return false;
    this.dropChunks(entry.ids);
    this.sources.delete(source);
    return true;
  }

  listSources(): SourceMeta[] {
    return [...this.sources.values()].map((s) => s.meta).sort((a, b) => (a.source < b.source ? -1 : 1));
  }

  search(query: string, embedding: readonly number[] | Float32Array | undefined, k: number): SearchResult {
    const depth = fusionDepth(k);
    const asked = queryTerms(this.lexical.analyzer, query);
    const readings = new Map<string, string[]>();
    for (const term of asked) {
      const read = readUnknownTerm(term, this.lexical);
      if (read) readings.set(term, read);
    }
    const terms = asked.flatMap((t) => readings.get(t) ?? [t]);
    const lexical = this.lexical.searchTerms(terms, depth);
    const useDense = embedding !== undefined && this.dense !== undefined && this.dense.size > 0;
    const dense = useDense && this.dense ? this.dense.search(embedding, depth) : [];
    const mode: SearchMode = useDense ? (query.trim() === "" ? "dense" : "hybrid") : "lexical";
    const lexRank = new Map(lexical.map((h, i) => [h.id, { rank: i + 1, score: h.score }]));
    const denseRank = new Map(dense.map((h, i) => [h.id, { rank: i + 1, score: h.score }]));
    const ranked = mode === "lexical" ? lexical.slice(0, k) : mode === "dense" ? dense.slice(0, k) : reciprocalRankFusion([lexical, dense], undefined, k);
    const hits: SearchHit[] = [];
    for (const { id, score } of ranked) {
      const chunk = this.chunks.get(id);
      if (!chunk) continue;
      const lex = lexRank.get(id);
      const den = denseRank.get(id);
      hits.push({ chunk_id: id, score, ...(lex ? { lexical: lex } : {}), ...(den ? { dense: den } : {}), chunk });
    }
    const weights = [...new Set([...asked, ...terms])].map((term) => {
      const read = readings.get(term);
      return { term, idf: this.lexical.idf(term), df: this.lexical.docFrequency(term), ...(read ? { read_as: read } : {}) };
    });
    return { mode, hits, terms: weights };
  }

  private dropChunks(ids: readonly string[]): void {
    for (const id of ids) {
      this.chunks.delete(id);
      this.lexical.remove(id);
      this.dense?.remove(id);
    }
  }

  private checkEmbeddings(count: number, embeddings?: readonly (readonly number[] | Float32Array)[]): void {
    if (embeddings === undefined) return;
    if (embeddings.length !== count) {
      throw new XinError("rag.vector_invalid", `got ${embeddings.length} embeddings for ${count} chunks`, { status: 400 });
    }
    const dims = this.dense?.dims ?? embeddings[0]?.length;
    for (const vector of embeddings) {
      if (vector.length !== dims || !vector.some((x) => x !== 0) || !Array.prototype.every.call(vector, Number.isFinite)) {
        throw new XinError("rag.vector_invalid", `embeddings must be finite, non-zero and ${dims}-dimensional (a model change needs a re-embed)`, { status: 400 });
      }
    }
  }
}
