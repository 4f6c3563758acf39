import type { Analyzer } from "../lexical/analyzer";
import type { Bm25Params } from "../lexical/bm25-index";
import { BrandIndex } from "./brand-index";
import type { QuarantinedPassage } from "../ingest/quarantine/types";
import {
  checkScope,
  scopeKey,
  type BrandScope,
  type ReleaseRequest,
  type RetrievalBackend,
  type SearchRequest,
  type SearchResult,
  type SourceMeta,
  type SourceUpsert,
  type UpsertOutcome,
} from "./types";

/** Picks the analyzer for a brand (from its persona language); called once per brand. */
export type AnalyzerForScope = (scope: BrandScope) => Analyzer;

/**
 * The in-process backend: one BrandIndex per (tenant, brand), nothing persisted. Used by tests,
 * by `xin eval` and as the reference the Postgres and Qdrant backends are checked against.
 * Isolation is structural: a search only ever sees the BrandIndex under its own scope key.
 */
export class MemoryBackend implements RetrievalBackend {
  readonly name = "memory";
  private readonly brands = new Map<string, BrandIndex>();

  constructor(
    private readonly analyzerFor: AnalyzerForScope,
    private readonly params: Partial<Bm25Params> = {},
  ) {}

  async upsertSource(input: SourceUpsert): Promise<UpsertOutcome> {
    const scope = checkScope(input.scope);
    return this.brand(scope, true).replaceSource(input.meta, input.chunks, input.embeddings);
  }

  async removeSource(scope: BrandScope, source: string): Promise<boolean> {
    return this.brand(checkScope(scope), false)?.removeSource(source) ?? false;
  }

  async listSources(scope: BrandScope): Promise<SourceMeta[]> {
    return this.brand(checkScope(scope), false)?.listSources() ?? [];
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const scope = checkScope(request.scope);
    const index = this.brand(scope, false);
    if (!index) return { mode: "lexical", hits: [] };
    return index.search(request.query, request.embedding, request.k ?? 8);
  }

  async listQuarantined(scope: BrandScope, source?: string): Promise<QuarantinedPassage[]> {
    return this.brand(checkScope(scope), false)?.quarantined(source) ?? [];
  }

  async releaseQuarantined(request: ReleaseRequest): Promise<QuarantinedPassage[]> {
    const index = this.brand(checkScope(request.scope), false);
    return index?.release(request.source, request.ordinal, { by: request.by, at: new Date().toISOString() }) ?? [];
  }

  private brand(scope: BrandScope, create: true): BrandIndex;
  private brand(scope: BrandScope, create: false): BrandIndex | undefined;
  private brand(scope: BrandScope, create: boolean): BrandIndex | undefined {
    const key = scopeKey(scope);
    let index = this.brands.get(key);
    if (!index && create) {
      index = new BrandIndex(this.analyzerFor(scope), this.params);
      this.brands.set(key, index);
    }
    return index;
  }
}
