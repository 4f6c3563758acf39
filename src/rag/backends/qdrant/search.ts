import type { QdrantClient } from "@qdrant/js-client-rest";
import { RRF_K } from "../../fuse";
import { chunkId } from "../brand-index";
import type { SearchHit, SearchMode, SearchResult } from "../types";
import { DENSE_VECTOR, SPARSE_VECTOR } from "./collection";
import { call } from "./errors";
import { ChunkPayload, parsePayload, type ScopedFilter } from "./points";
import type { SparseVector } from "./sparse";

/**
 * One search as Qdrant Query API requests, all carrying the scoped filter (tenant_id AND brand_id
 * AND live generations) inside the request:
 * - lexical: the sparse BM25 vector alone;
 * - dense: the embedding alone (a query with no searchable terms);
 * - hybrid: one batch of three searches: the fusion itself (prefetch sparse + dense, then RRF in
 *   Qdrant), and each list alone without payloads, only to report every hit's rank and raw score
 *   per list (the confidence guardrails read them). If the dense list is empty (no chunk of the
 *   brand has a vector) the answer is lexical, as with the in-process backend.
 *
 * RRF is sent as `{ rrf: { k: 61 } }` rather than `{ fusion: "rrf" }`: Qdrant ranks from 0 and
 * defaults to k = 2, so k = 61 reproduces fuse.ts (k = 60, ranks from 1) exactly, and hybrid
 * scores mean the same on every backend.
 */
export type SearchPlan = {
  client: QdrantClient;
  collection: string;
  filter: ScopedFilter;
  sparse: SparseVector;
  embedding?: number[];
  k: number;
};

// Each list is searched this deep before fusion, as in brand-index.ts.
const fusionDepth = (k: number) => Math.max(k * 5, 50);

type Point = { id: string | number; score: number; payload?: Record<string, unknown> | null };
type Ranks = Map<string, { rank: number; score: number }>;

const ranks = (points: Point[]): Ranks =>
  new Map(points.map((p, i) => [String(p.id), { rank: i + 1, score: p.score }]));

const toHits = (points: Point[], lexical: Ranks, dense: Ranks, scoreOf: (p: Point) => number): SearchHit[] =>
  points.map((p) => {
    const { chunk } = parsePayload(ChunkPayload, p.payload, "chunk");
    const lex = lexical.get(String(p.id));
    const den = dense.get(String(p.id));
    return {
      chunk_id: chunkId(chunk),
      score: scoreOf(p),
      ...(lex ? { lexical: lex } : {}),
      ...(den ? { dense: den } : {}),
      chunk,
    };
  });

const withChunk = { with_payload: ["kind", "generation", "chunk"] };

export const runSearch = async (plan: SearchPlan): Promise<SearchResult> => {
  const { client, collection, filter, sparse, embedding, k } = plan;
  const hasTerms = sparse.indices.length > 0;
  if (embedding === undefined) {
    if (!hasTerms) return { mode: "lexical", hits: [] };
    const { points } = await call("search", () =>
      client.query(collection, { query: sparse, using: SPARSE_VECTOR, filter, limit: k, ...withChunk }),
    );
    const lexical = ranks(points);
    return { mode: "lexical", hits: toHits(points, lexical, new Map(), (p) => p.score) };
  }
  if (!hasTerms) {
    const { points } = await call("search", () =>
      client.query(collection, { query: embedding, using: DENSE_VECTOR, filter, limit: k, ...withChunk }),
    );
    const dense = ranks(points);
    return { mode: "dense", hits: toHits(points, new Map(), dense, (p) => p.score) };
  }
  const depth = fusionDepth(k);
  const sparseList = { query: sparse, using: SPARSE_VECTOR, filter, limit: depth };
  const denseList = { query: embedding, using: DENSE_VECTOR, filter, limit: depth };
  const [fused, lexicalOnly, denseOnly] = await call("hybrid search", () =>
    client.queryBatch(collection, {
      searches: [
        { prefetch: [sparseList, denseList], query: { rrf: { k: RRF_K + 1 } }, filter, limit: k, ...withChunk },
        { ...sparseList, with_payload: false },
        { ...denseList, with_payload: false },
      ],
    }),
  );
  const lexical = ranks(lexicalOnly?.points ?? []);
  const dense = ranks(denseOnly?.points ?? []);
  const points = fused?.points ?? [];
  // Without any dense hit RRF over one list keeps its order: report it as the lexical answer.
  const mode: SearchMode = dense.size === 0 ? "lexical" : "hybrid";
  const scoreOf = mode === "lexical" ? (p: Point) => lexical.get(String(p.id))?.score ?? 0 : (p: Point) => p.score;
  return { mode, hits: toHits(points, lexical, dense, scoreOf) };
};
