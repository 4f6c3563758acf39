import { XinError } from "../../runtime";
import { TopK } from "../top-k";
import type { Analyzer } from "./analyzer";
import { ensureCapacity, trimTo } from "./growable";
import { DECODED_LENGTHS, encodeLength } from "./length-norm";
import { PostingLists } from "./postings";

/**
 * BM25 parameters. Defaults are Lucene's BM25Similarity defaults (k1 = 1.2, b = 0.75), not values
 * tuned on a benchmark's test queries: brands bring their own corpora and we have no judgements
 * for them. (Pyserini's BEIR runs use 0.9/0.4; see BENCH.md for both on SciFact.)
 */
export type Bm25Params = { k1: number; b: number };
export type Bm25Hit = { id: string; score: number };
export type Bm25Stats = { documents: number; terms: number; postings: number; dead_postings: number; bytes: number };

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

// Compact once dead postings are this share of all postings (and at least this many).
const COMPACT_RATIO = 0.25;
const COMPACT_MIN = 4096;

/**
 * An in-process BM25 index for one brand's chunks.
 *
 * score(d, q) = Σ_t∈q qtf(t) · idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl)),
 * idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5)) (Lucene's non-negative form). N, df and avgdl are
 * exact over the live documents at query time, so removals change IDF immediately. |d| is stored
 * in one byte (see length-norm.ts).
 *
 * Contract: methods are synchronous and the index is not shared across threads; `add` with an
 * existing id replaces that document; `remove` of an unknown id is a no-op returning false. Memory:
 * ~10 bytes per (document, distinct term) pair plus the id strings; removed documents' postings are
 * skipped at query time and reclaimed by `compact()`, which runs on its own when they pile up.
 */
export class Bm25Index {
  readonly analyzer: Analyzer;
  private params: Bm25Params;
  private readonly termIds = new Map<string, number>();
  private freeTermIds: number[] = [];
  private nextTermId = 0;
  private df = new Int32Array(1024);
  private tfScratch = new Int32Array(1024);
  private readonly postings = new PostingLists();
  private idToSlot = new Map<string, number>();
  private slotIds: (string | undefined)[] = [];
  private norms = new Uint8Array(1024);
  private exactLengths = new Int32Array(1024);
  // Forward index (term ids per slot) so removal can decrement df exactly.
  private fwdStart = new Int32Array(1024);
  private fwdLen = new Int32Array(1024);
  private fwdPool = new Int32Array(16384);
  private fwdUsed = 0;
  private slotCount = 0;
  private live = 0;
  private totalLength = 0;
  private totalPostings = 0;
  private deadPostings = 0;
  private scratch = new Float64Array(0);

  constructor(analyzer: Analyzer, params: Partial<Bm25Params> = {}) {
    this.analyzer = analyzer;
    this.params = { ...DEFAULT_BM25, ...params };
    if (!(this.params.k1 >= 0) || !(this.params.b >= 0 && this.params.b <= 1)) {
      throw new XinError("rag.bm25_params_invalid", "BM25 needs k1 >= 0 and 0 <= b <= 1", { data: this.params });
    }
  }

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.idToSlot.has(id);
  }

  /** Analyzes `text` and indexes it under `id`, replacing any document with that id. */
  add(id: string, text: string): void {
    this.addTerms(id, this.analyzer.analyze(text));
  }

  /** Indexes already-analyzed terms (e.g. stored with the chunk) under `id`, replacing any. */
  addTerms(id: string, terms: readonly string[]): void {
    this.remove(id);
    // Term frequencies through a scratch array indexed by term id (reset below): no Map per document.
    const distinct: number[] = [];
    for (const term of terms) {
      const tid = this.termId(term);
      if (this.tfScratch[tid]++ === 0) distinct.push(tid);
    }
    const slot = this.slotCount++;
    this.norms = ensureCapacity(this.norms, slot + 1);
    this.exactLengths = ensureCapacity(this.exactLengths, slot + 1);
    this.fwdStart = ensureCapacity(this.fwdStart, slot + 1);
    this.fwdLen = ensureCapacity(this.fwdLen, slot + 1);
    this.fwdPool = ensureCapacity(this.fwdPool, this.fwdUsed + distinct.length);
    this.fwdStart[slot] = this.fwdUsed;
    this.fwdLen[slot] = distinct.length;
    for (const tid of distinct) {
      this.postings.append(tid, slot, this.tfScratch[tid]);
      this.tfScratch[tid] = 0;
      this.df[tid]++;
      this.fwdPool[this.fwdUsed++] = tid;
    }
    this.norms[slot] = encodeLength(terms.length);
    this.exactLengths[slot] = terms.length;
    this.slotIds[slot] = id;
    this.idToSlot.set(id, slot);
    this.live++;
    this.totalLength += terms.length;
    this.totalPostings += distinct.length;
  }

  /** Removes `id`; true if it was present. */
  remove(id: string): boolean {
    const slot = this.idToSlot.get(id);
    if (slot === undefined) return false;
    const start = this.fwdStart[slot];
    const end = start + this.fwdLen[slot];
    for (let i = start; i < end; i++) this.df[this.fwdPool[i]]--;
    this.idToSlot.delete(id);
    this.slotIds[slot] = undefined;
    this.live--;
    this.totalLength -= this.exactLengths[slot];
    this.deadPostings += this.fwdLen[slot];
    if (this.deadPostings >= COMPACT_MIN && this.deadPostings >= this.totalPostings * COMPACT_RATIO) this.compact();
    return true;
  }

  /** Top `k` documents for `query`, best first; ties broken by insertion order. */
  search(query: string, k = 10): Bm25Hit[] {
    return this.searchTerms(this.analyzer.analyze(query), k);
  }

  /** Like `search`, for already-analyzed query terms. A term repeated in the query counts twice. */
  searchTerms(terms: readonly string[], k = 10): Bm25Hit[] {
    if (this.live === 0 || k <= 0) return [];
    const { k1, b } = this.params;
    const avgdl = this.totalLength / this.live || 1;
    const lengthFactor = new Float64Array(256);
    for (let code = 0; code < 256; code++) lengthFactor[code] = k1 * (1 - b + (b * DECODED_LENGTHS[code]) / avgdl);
    const queryTf = new Map<number, number>();
    for (const term of terms) {
      const tid = this.termIds.get(term);
      if (tid !== undefined && this.df[tid] > 0) queryTf.set(tid, (queryTf.get(tid) ?? 0) + 1);
    }
    if (queryTf.size === 0) return [];
    if (this.scratch.length < this.slotCount) this.scratch = new Float64Array(this.slotCount);
    const scores = this.scratch;
    const touched: number[] = [];
    const n = this.live;
    for (const [tid, qtf] of queryTf) {
      const df = this.df[tid];
      const weight = qtf * Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (k1 + 1);
      const docs = this.postings.docs[tid];
      const tfs = this.postings.tfs[tid];
      const len = this.postings.lengths[tid];
      for (let i = 0; i < len; i++) {
        const slot = docs[i];
        if (this.slotIds[slot] === undefined) continue;
        const tf = tfs[i];
        if (scores[slot] === 0) touched.push(slot);
        scores[slot] += (weight * tf) / (tf + lengthFactor[this.norms[slot]]);
      }
    }
    const top = new TopK(k);
    for (const slot of touched) {
      top.push(slot, scores[slot]);
      scores[slot] = 0;
    }
    return top.sorted().map(({ slot, score }) => ({ id: this.slotIds[slot] as string, score }));
  }

  /** idf(t) over the live documents, as `searchTerms` weighs it; a term no document has gets the highest. */
  idf(term: string): number {
    const df = this.docFrequency(term);
    return Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
  }

  /** How many live documents contain `term`. */
  docFrequency(term: string): number {
    const tid = this.termIds.get(term);
    return tid === undefined ? 0 : this.df[tid];
  }

  /** Reclaims removed documents' postings and slots. O(index size); safe to call any time. */
  compact(): void {
    const remap = new Int32Array(this.slotCount).fill(-1);
    let next = 0;
    for (let slot = 0; slot < this.slotCount; slot++) if (this.slotIds[slot] !== undefined) remap[slot] = next++;
    const emptied = new Set(this.postings.compact(remap));
    for (const [term, tid] of this.termIds) if (emptied.has(tid)) this.termIds.delete(term);
    this.freeTermIds.push(...emptied);
    const ids: (string | undefined)[] = new Array(next);
    const pool = new Int32Array(Math.max(16, this.fwdUsed - this.deadPostings));
    let used = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      const to = remap[slot];
      if (to < 0) continue;
      const id = this.slotIds[slot] as string;
      ids[to] = id;
      this.idToSlot.set(id, to);
      this.norms[to] = this.norms[slot];
      this.exactLengths[to] = this.exactLengths[slot];
      pool.set(this.fwdPool.subarray(this.fwdStart[slot], this.fwdStart[slot] + this.fwdLen[slot]), used);
      this.fwdStart[to] = used;
      this.fwdLen[to] = this.fwdLen[slot];
      used += this.fwdLen[slot];
    }
    this.slotIds = ids;
    this.slotCount = next;
    this.fwdPool = pool;
    this.fwdUsed = used;
    this.norms = trimTo(this.norms, Math.max(next, 16));
    this.exactLengths = trimTo(this.exactLengths, Math.max(next, 16));
    this.fwdStart = trimTo(this.fwdStart, Math.max(next, 16));
    this.fwdLen = trimTo(this.fwdLen, Math.max(next, 16));
    this.totalPostings -= this.deadPostings;
    this.deadPostings = 0;
    this.scratch = new Float64Array(0);
  }

  stats(): Bm25Stats {
    const bytes =
      this.postings.bytes() +
      this.df.byteLength +
      this.norms.byteLength +
      this.exactLengths.byteLength +
      this.fwdStart.byteLength +
      this.fwdLen.byteLength +
      this.fwdPool.byteLength;
    return {
      documents: this.live,
      terms: this.termIds.size,
      postings: this.totalPostings - this.deadPostings,
      dead_postings: this.deadPostings,
      bytes,
    };
  }

  private termId(term: string): number {
    const known = this.termIds.get(term);
    if (known !== undefined) return known;
    const tid = this.freeTermIds.pop() ?? this.nextTermId++;
    this.termIds.set(term, tid);
    this.df = ensureCapacity(this.df, tid + 1);
    this.tfScratch = ensureCapacity(this.tfScratch, tid + 1);
    return tid;
  }
}
