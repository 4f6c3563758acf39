import { z } from "zod";
import { XinError } from "../../runtime";
import type { Chunk } from "../ingest/chunker";
import type { QuarantinedPassage } from "../ingest/quarantine/types";
import type { SourceFormat } from "../ingest/types";

/**
 * The retrieval backend contract: what the ingest job writes through and the orchestrator
 * searches through. Implementations: `memory` (this room, in process; also the engine the
 * Postgres backend keeps in step with its tables), `postgres` and `qdrant` (integrator).
 *
 * Guarantees every implementation must give:
 * - Isolation: every call takes a `BrandScope`; tenant_id and brand_id are required, checked,
 *   and applied inside the backend (in the query / index key), never by filtering results after.
 *   Two tenants may use the same brand id and the same source names without seeing each other.
 * - Atomic replace: `upsertSource` swaps all chunks of (scope, source) at once; a concurrent
 *   search sees the old set or the new set, never a mix or nothing.
 * - Idempotency: upserting a source whose `hash` equals the stored one changes nothing and
 *   reports `unchanged`; removing an unknown source reports false.
 * - Degradation: with no query embedding (no endpoint configured) search is lexical-only, and
 *   `SearchResult.mode` says which lists were actually used.
 * - Quarantine: a chunk whose `quarantine` is set and not released is stored but never indexed
 *   or returned by `search`; the exclusion happens inside the backend (index, SQL, Qdrant filter),
 *   never by dropping hits afterwards. `listQuarantined` shows held and released passages;
 *   `releaseQuarantined` makes held ones searchable (atomically for readers, like a replace).
 * Errors: invalid input → XinError `rag.scope_invalid` / `rag.vector_invalid` (status 400);
 * storage failures propagate (the job runner retries them).
 */
export type BrandScope = { tenant_id: string; brand_id: string };

const ScopeSchema = z.object({ tenant_id: z.string().min(1), brand_id: z.string().min(1) });

/** Validates a scope at a backend's edge; throws `rag.scope_invalid` naming the bad field. */
export const checkScope = (scope: unknown): BrandScope => {
  const parsed = ScopeSchema.safeParse(scope);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path.join(".") || "scope";
  throw new XinError("rag.scope_invalid", `retrieval needs a tenant_id and brand_id (${field} is missing or empty)`, {
    status: 400,
  });
};

/** A collision-free key for per-brand structures ("a:b"+"c" and "a"+"b:c" must differ). */
export const scopeKey = (scope: BrandScope): string => JSON.stringify([scope.tenant_id, scope.brand_id]);

export type SourceMeta = {
  source: string;
  hash: string;
  format: SourceFormat;
  title: string;
  url?: string;
  /** Passages held back by the ingest-time injection check (absent: none). */
  quarantined?: number;
};

/** What a stored source is at: its content and how many of its passages are held back (a release changes it). */
export const sourceVersion = (meta: Pick<SourceMeta, "hash" | "quarantined">): string =>
  `${meta.hash}/${meta.quarantined ?? 0}`;

export type ReleaseRequest = {
  scope: BrandScope;
  source: string;
  /** One passage; omitted: every held passage of the source. */ ordinal?: number;
  /** Who released: `cli`, `token:<id>`. */ by: string;
};

export type SourceUpsert = {
  scope: BrandScope;
  meta: SourceMeta;
  chunks: Chunk[];
  /** One vector per chunk, same order, when an embeddings endpoint is configured. */
  embeddings?: readonly (readonly number[] | Float32Array)[];
};

export type UpsertOutcome = { status: "added" | "changed" | "unchanged"; chunks: number };

export type SearchMode = "hybrid" | "lexical" | "dense";

export type SearchRequest = {
  scope: BrandScope;
  query: string;
  /** The query's embedding; omit for lexical-only search. */
  embedding?: readonly number[] | Float32Array;
  /** Number of hits wanted (default 8). */
  k?: number;
  /** The brand's knowledge revision as the caller just read it (with the brand): a backend that keeps an index per revision need not read it again. */
  revision?: number;
};

export type SearchHit = {
  /** `<source>#<ordinal>`, unique within a brand. */
  chunk_id: string;
  /** Fused RRF score in hybrid mode, else the BM25 or cosine score. Comparable only within one result. */
  score: number;
  /** 1-based rank and raw score in each list the chunk appeared in (for confidence guardrails). */
  lexical?: { rank: number; score: number };
  dense?: { rank: number; score: number };
  chunk: Chunk;
};

/** A query term as it was searched, with its IDF over the brand's chunks: how much finding it says. */
export type QueryTermWeight = {
  term: string;
  idf: number;
  df: number;
  /** For a term no chunk has: the known terms it was searched as (a typo's correction, a compound's parts). */
  read_as?: string[];
};

/**
 * `terms`: the analysed query terms with their IDF, from backends that keep the brand's document
 * frequencies in process (memory, Postgres); absent from Qdrant, whose IDF is collection-wide. The
 * no-LLM answer weighs how much of the question it covers by them (a rare word missing matters more).
 */
export type SearchResult = { mode: SearchMode; hits: SearchHit[]; terms?: QueryTermWeight[] };

export interface RetrievalBackend {
  readonly name: string;
  /** Replaces all chunks of `meta.source` in `scope` (see atomic replace and idempotency above). */
  upsertSource(input: SourceUpsert): Promise<UpsertOutcome>;
  /** Removes a source and its chunks; true if it existed. */
  removeSource(scope: BrandScope, source: string): Promise<boolean>;
  /** Stored sources of a brand with their hashes (drives `classifySource` and `--prune`). */
  listSources(scope: BrandScope): Promise<SourceMeta[]>;
  search(request: SearchRequest): Promise<SearchResult>;
  /** Held and released passages of a brand (or of one source), in source and passage order. */
  listQuarantined(scope: BrandScope, source?: string): Promise<QuarantinedPassage[]>;
  /** Releases held passages; returns the ones released now (none: nothing was held there). */
  releaseQuarantined(request: ReleaseRequest): Promise<QuarantinedPassage[]>;
}
