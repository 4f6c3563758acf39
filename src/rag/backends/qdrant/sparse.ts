import { DEFAULT_BM25, type Bm25Params } from "../../lexical/bm25-index";

/**
 * BM25 as Qdrant sparse vectors. Qdrant scores a sparse query as Σ_t q_t · d_t, and with the
 * collection's `modifier: "idf"` multiplies each term by idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5))
 * (the same non-negative form as src/rag/lexical). So the document side carries the rest of BM25:
 *
 *   d_t = tf · (k1 + 1) / (tf + k1 · (1 − b + b · |d| / avgdl))
 *
 * and the query side carries the query term counts. Two differences from the in-process index,
 * both inherent to storing weights in Qdrant:
 * - avgdl is a fixed estimate (`avgdl` below), not the live corpus mean: changing it would mean
 *   rewriting every vector. Chunks are budgeted to a few hundred tokens, so lengths stay close to it.
 * - Qdrant computes N and df over the whole collection (every tenant), not over one brand. Ranking
 *   within a brand is therefore shaped by other tenants' vocabularies; no text crosses tenants.
 *
 * Term ids are the 32-bit FNV-1a hash of the analyzed term's UTF-8 bytes: stable across processes
 * and releases (a change would orphan every stored vector), no shared vocabulary to keep in step.
 * Colliding terms in one document are merged (Qdrant rejects duplicate indices).
 */
export type SparseVector = { indices: number[]; values: number[] };
export type SparseBm25Params = Bm25Params & { avgdl: number };

// Analyzed terms per chunk at the default chunk budget (350 tokens, stop words removed).
export const DEFAULT_AVGDL = 120;
export const DEFAULT_SPARSE_BM25: SparseBm25Params = { ...DEFAULT_BM25, avgdl: DEFAULT_AVGDL };

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** FNV-1a (32 bit) of the term's UTF-8 bytes, as an unsigned integer. */
export const termId = (term: string): number => {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(term)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
};

const countIds = (terms: readonly string[]): Map<number, number> => {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const id = termId(term);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
};

const toVector = (entries: Iterable<[number, number]>): SparseVector => {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  return { indices: sorted.map(([id]) => id), values: sorted.map(([, v]) => v) };
};

/** A document's BM25 term weights (everything but IDF), sorted by term id. */
export const documentVector = (
  terms: readonly string[],
  params: SparseBm25Params = DEFAULT_SPARSE_BM25,
): SparseVector => {
  const { k1, b, avgdl } = params;
  const lengthFactor = k1 * (1 - b + (b * terms.length) / avgdl);
  const weights = [...countIds(terms)].map(([id, tf]): [number, number] => [id, (tf * (k1 + 1)) / (tf + lengthFactor)]);
  return toVector(weights);
};

/** A query's sparse vector: each distinct term with its count (a repeated term counts twice, as in Bm25Index). */
export const queryVector = (terms: readonly string[]): SparseVector => toVector(countIds(terms));
