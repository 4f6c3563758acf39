import { XinError } from "../../runtime";
import { DenseIndex } from "../dense/dense-index";
import { reciprocalRankFusion } from "../fuse";
import type { Chunk } from "../ingest/chunker";
import type { Analyzer } from "../lexical/analyzer";
import { Bm25Index, type Bm25Params } from "../lexical/bm25-index";
import { queryTerms } from "../lexical/query-words";
import { readUnknownTerm } from "../lexical/spelling";
import { equivalentsOf } from "../lexical/equivalents";
import { chunkTerms } from "./chunk-terms";
import { heldCount, isHeld, toQuarantinedPassage } from "../ingest/quarantine/quarantine";
import type { Quarantine, QuarantinedPassage } from "../ingest/quarantine/types";
import {
  sourceVersion,
  type SearchHit,
  type SearchMode,
  type SearchResult,
  type SourceMeta,
  type UpsertOutcome,
} from "./types";

type Vector = readonly number[] | Float32Array;
/** A flagged chunk of a source: held back (not in any index) or released (indexed like any other). */
type Flagged = { chunk: Chunk & { quarantine: Quarantine }; vector?: Vector };
type SourceEntry = { meta: SourceMeta; ids: string[]; flagged: Map<string, Flagged> };

/** The meta as stored: the held-back count taken from the chunks when the caller did not say, and omitted when 0. */
const withCount = (meta: SourceMeta, chunks: readonly Chunk[]): SourceMeta => {
  const { quarantined, ...rest } = meta;
  const count = quarantined ?? heldCount(chunks);
  return count > 0 ? { ...rest, quarantined: count } : rest;
};

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
 * Held-back chunks (quarantine set, not released) are kept per source for the owner's review but
 * never enter the lexical or dense index, so no search can return them.
 */
export class BrandIndex {
  readonly lexical: Bm25Index;
  private dense: DenseIndex | undefined;
  private readonly chunks = new Map<string, Chunk>();
  private readonly sources = new Map<string, SourceEntry>();

  constructor(analyzer: Analyzer, params: Partial<Bm25Params> = {}) {
    this.lexical = new Bm25Index(analyzer, params);
  }

  get chunkCount(): number {
    return this.chunks.size;
  }

  replaceSource(meta: SourceMeta, chunks: readonly Chunk[], embeddings?: readonly Vector[]): UpsertOutcome {
    const previous = this.sources.get(meta.source);
    const stored = withCount(meta, chunks);
    if (previous && sourceVersion(previous.meta) === sourceVersion(stored))
      return { status: "unchanged", chunks: previous.ids.length + heldOf(previous).length };
    this.checkEmbeddings(chunks.length, embeddings);
    if (chunks.some((c) => c.source !== meta.source)) {
      throw new XinError("rag.source_mismatch", "every chunk must belong to the source being replaced", {
        status: 400,
      });
    }
    if (previous) this.dropSource(previous);
    const entry: SourceEntry = { meta: stored, ids: [], flagged: new Map() };
    chunks.forEach((chunk, i) => {
      const id = chunkId(chunk);
      const vector = embeddings?.[i];
      if (chunk.quarantine)
        entry.flagged.set(id, { chunk: { ...chunk, quarantine: chunk.quarantine }, ...(vector ? { vector } : {}) });
      if (!isHeld(chunk)) this.indexChunk(entry, id, chunk, vector);
    });
    this.sources.set(meta.source, entry);
    return { status: previous ? "changed" : "added", chunks: chunks.length };
  }

  /** Held and released passages, of one source or all, in source and passage order. */
  quarantined(source?: string): QuarantinedPassage[] {
    const entries =
      source === undefined ? [...this.sources.values()] : [this.sources.get(source)].filter((e) => e !== undefined);
    return entries
      .flatMap((e) => [...e.flagged].map(([id, f]) => toQuarantinedPassage(f.chunk, id)))
      .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.ordinal - b.ordinal));
  }

  /** Indexes held passages of `source` (one, or all) and marks them released; returns those released. */
  release(source: string, ordinal: number | undefined, release: { by: string; at: string }): QuarantinedPassage[] {
    const entry = this.sources.get(source);
    if (!entry) return [];
    const released: QuarantinedPassage[] = [];
    for (const [id, f] of entry.flagged) {
      if (!isHeld(f.chunk) || (ordinal !== undefined && f.chunk.ordinal !== ordinal)) continue;
      f.chunk = { ...f.chunk, quarantine: { ...f.chunk.quarantine, released: release } };
      this.indexChunk(entry, id, f.chunk, f.vector);
      released.push(toQuarantinedPassage(f.chunk, id));
    }
    const left = (entry.meta.quarantined ?? 0) - released.length;
    const { quarantined: _old, ...meta } = entry.meta;
    entry.meta = left > 0 ? { ...meta, quarantined: left } : meta;
    return released.sort((a, b) => a.ordinal - b.ordinal);
  }

  removeSource(source: string): boolean {
    const entry = this.sources.get(source);
    if (!entry) return false;
    this.dropSource(entry);
    this.sources.delete(source);
    return true;
  }

  listSources(): SourceMeta[] {
    return [...this.sources.values()].map((s) => s.meta).sort((a, b) => (a.source < b.source ? -1 : 1));
  }

  search(query: string, embedding: readonly number[] | Float32Array | undefined, k: number): SearchResult {
    const depth = fusionDepth(k);
    // A listed phrase is searched as its word ("take back" as "return"), and a listed word with the others of its group the brand's documents use (equivalents.ts).
    const same = equivalentsOf(this.lexical.analyzer);
    const asked = queryTerms(this.lexical.analyzer, same.rewrite(query));
    const readings = new Map<string, string[]>();
    for (const term of asked) {
      const read = readUnknownTerm(term, this.lexical);
      if (read) readings.set(term, read);
    }
    const terms = asked.flatMap((t) => [
      ...(readings.get(t) ?? [t]),
      ...same.others(t).filter((o) => !asked.includes(o) && this.lexical.docFrequency(o) > 0),
    ]);
    const lexical = this.lexical.searchTerms(terms, depth);
    const useDense = embedding !== undefined && this.dense !== undefined && this.dense.size > 0;
    const dense = useDense && this.dense ? this.dense.search(embedding, depth) : [];
    const mode: SearchMode = useDense ? (query.trim() === "" ? "dense" : "hybrid") : "lexical";
    const lexRank = new Map(lexical.map((h, i) => [h.id, { rank: i + 1, score: h.score }]));
    const denseRank = new Map(dense.map((h, i) => [h.id, { rank: i + 1, score: h.score }]));
    const ranked =
      mode === "lexical"
        ? lexical.slice(0, k)
        : mode === "dense"
          ? dense.slice(0, k)
          : reciprocalRankFusion([lexical, dense], undefined, k);
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
      return {
        term,
        idf: this.lexical.idf(term),
        df: this.lexical.docFrequency(term),
        ...(read ? { read_as: read } : {}),
      };
    });
    return { mode, hits, terms: weights };
  }

  private indexChunk(entry: SourceEntry, id: string, chunk: Chunk, vector: Vector | undefined): void {
    this.chunks.set(id, chunk);
    this.lexical.addTerms(id, chunkTerms(this.lexical.analyzer, chunk));
    if (vector !== undefined) {
      this.dense ??= new DenseIndex(vector.length);
      this.dense.add(id, vector);
    }
    entry.ids.push(id);
  }

  private dropSource(entry: SourceEntry): void {
    this.dropChunks(entry.ids);
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
      throw new XinError("rag.vector_invalid", `got ${embeddings.length} embeddings for ${count} chunks`, {
        status: 400,
      });
    }
    const dims = this.dense?.dims ?? embeddings[0]?.length;
    for (const vector of embeddings) {
      if (
        vector.length !== dims ||
        !vector.some((x) => x !== 0) ||
        !Array.prototype.every.call(vector, Number.isFinite)
      ) {
        throw new XinError(
          "rag.vector_invalid",
          `embeddings must be finite, non-zero and ${dims}-dimensional (a model change needs a re-embed)`,
          { status: 400 },
        );
      }
    }
  }
}

const heldOf = (entry: SourceEntry) => [...entry.flagged.values()].filter((f) => isHeld(f.chunk));
