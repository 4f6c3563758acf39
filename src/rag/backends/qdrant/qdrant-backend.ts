import { randomUUID } from "node:crypto";
import { QdrantClient } from "@qdrant/js-client-rest";
import { XinError } from "../../../runtime";
import type { Chunk } from "../../ingest/chunker";
import { queryTerms } from "../../lexical/query-words";
import { chunkTerms } from "../chunk-terms";
import type { AnalyzerForScope } from "../memory";
import { heldCount } from "../../ingest/quarantine/quarantine";
import type { QuarantinedPassage } from "../../ingest/quarantine/types";
import { chunkId } from "../brand-index";
import {
  checkScope,
  type BrandScope,
  type ReleaseRequest,
  type RetrievalBackend,
  type SearchRequest,
  type SearchResult,
  type SourceMeta,
  type SourceUpsert,
  type UpsertOutcome,
} from "../types";
import { DENSE_VECTOR, ensureCollection, SPARSE_VECTOR } from "./collection";
import { call, QdrantBackendError } from "./errors";
import { LiveGenerations } from "./generations";
import {
  BrandPayload,
  brandPointId,
  chunkPayload,
  chunkPointId,
  FlaggedChunkPayload,
  KIND,
  parsePayload,
  QUARANTINE_STATE,
  scopedFilter,
  scopePayload,
  searchFilter,
  sourcePayload,
  sourcePointId,
  SourcePayload,
  type SourceRecord,
} from "./points";
import { runSearch } from "./search";
import { DEFAULT_SPARSE_BM25, documentVector, queryVector, type SparseBm25Params } from "./sparse";

export type QdrantBackendOptions = {
  /** Qdrant's REST address, e.g. `http://127.0.0.1:6333`. */
  url: string;
  apiKey?: string;
  /** The one collection this deployment uses (every tenant and brand lives in it). */
  collection: string;
  /** The embedding model's dimensions; omit for a lexical-only deployment. */
  denseSize?: number;
  analyzerFor: AnalyzerForScope;
  bm25?: Partial<SparseBm25Params>;
  /** Per-request timeout (default 10 s); a timeout is `rag.backend_unreachable`, retryable. */
  timeoutMs?: number;
};

// Points per upsert request: keeps bodies to a few MB with 1,536-dimension embeddings.
const UPSERT_BATCH = 128;
const SCROLL_PAGE = 256;

/**
 * The Qdrant retrieval backend: dense + sparse BM25 vectors per chunk in one collection, tenant
 * and brand in every point's payload and in the filter of every read and delete (see points.ts).
 *
 * Guarantees (RetrievalBackend's, and how):
 * - Isolation: each call checks its scope, and `scopedFilter` puts tenant_id AND brand_id into the
 *   Qdrant request itself; point ids also hash the scope, so no id is shared across brands.
 * - Atomic replace and removal: generations behind a per-source record point (generations.ts).
 * - Idempotency: a source whose stored hash equals the new one is left alone (`unchanged`).
 * - Concurrent replaces of one source: the record flip is conditional (`update_filter` on the
 *   generation that writer read), so exactly one wins; the loser deletes its own points and
 *   throws a retryable `rag.replace_conflict` unless the winner stored the same hash.
 * - Interrupted writes: chunks written before a failed flip are in no record (invisible, and
 *   deleted on the way out); a replace that failed after its flip is finished by the job's retry,
 *   which finds the same hash with `retired` still set.
 * - Quarantine: held-back chunks are stored with `quarantine_state: held`, and every search carries
 *   a must_not on it; a release sets the state to `released` on those points (set_payload) and
 *   the source record's count with the same conditional flip as a replace.
 * Nothing happens at construction; the first call creates or verifies the collection. Written
 * against Qdrant's 1.19 REST API (it relies on conditional upserts and the parameterised `rrf`).
 */
export class QdrantBackend implements RetrievalBackend {
  readonly name = "qdrant";
  private readonly client: QdrantClient;
  private readonly live: LiveGenerations;
  private readonly bm25: SparseBm25Params;
  private ready: Promise<void> | undefined;

  constructor(private readonly options: QdrantBackendOptions) {
    this.client = new QdrantClient({
      url: options.url,
      apiKey: options.apiKey,
      timeout: options.timeoutMs ?? 10_000,
      checkCompatibility: false,
    });
    this.bm25 = { ...DEFAULT_SPARSE_BM25, ...options.bm25 };
    this.live = new LiveGenerations({
      readToken: (scope) => this.readToken(scope),
      readRecords: (scope) => this.readRecords(scope),
    });
  }

  /** Creates or verifies the collection and its payload indexes; a failed attempt is retried on the next call. */
  init(): Promise<void> {
    this.ready ??= ensureCollection(this.client, {
      name: this.options.collection,
      denseSize: this.options.denseSize,
    }).catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  async upsertSource(input: SourceUpsert): Promise<UpsertOutcome> {
    const scope = checkScope(input.scope);
    const { chunks } = input;
    const { quarantined, ...plainMeta } = input.meta;
    const held = quarantined ?? heldCount(chunks);
    const meta = held > 0 ? { ...plainMeta, quarantined: held } : plainMeta;
    const vectors = this.checkEmbeddings(chunks.length, input.embeddings);
    if (chunks.some((c) => c.source !== meta.source)) {
      throw new XinError("rag.source_mismatch", "every chunk must belong to the source being replaced", {
        status: 400,
      });
    }
    await this.init();
    const previous = await this.readRecord(scope, meta.source);
    if (previous?.meta.hash === meta.hash) {
      // A replace that died after its flip left `retired` set: this retry finishes it.
      if (previous.retired !== null) await this.finish(scope, previous);
      return { status: "unchanged", chunks: previous.chunks };
    }
    const generation = randomUUID();
    try {
      await this.writeChunks(scope, generation, chunks, vectors);
    } catch (e) {
      // The half-written generation is in no record, hence invisible: removing it only saves
      // space, so a failed cleanup must not hide the error that matters.
      await this.deleteChunks(scope, meta.source, generation).then(
        () => undefined,
        () => undefined,
      );
      throw e;
    }
    // No cleanup if the flip fails: it may have landed before the connection broke.
    await this.flip(scope, meta, generation, chunks.length, previous);
    const current = await this.readRecord(scope, meta.source);
    if (current?.generation !== generation) {
      await this.deleteChunks(scope, meta.source, generation);
      if (current?.meta.hash === meta.hash) return { status: previous ? "changed" : "added", chunks: current.chunks };
      throw new QdrantBackendError("rag.replace_conflict", "another writer replaced the source at the same time", {
        status: 409,
        retryable: true,
        data: { source: meta.source },
      });
    }
    await this.finish(scope, current);
    return { status: previous ? "changed" : "added", chunks: chunks.length };
  }

  async removeSource(scope: BrandScope, source: string): Promise<boolean> {
    const checked = checkScope(scope);
    await this.init();
    const record = await this.readRecord(checked, source);
    if (!record) return false;
    const filter = scopedFilter(checked, KIND.source, { source, generation: record.generation });
    await call("remove source", () => this.client.delete(this.options.collection, { wait: true, filter }));
    await this.touchBrand(checked);
    await this.deleteChunks(checked, source, record.generation);
    this.live.invalidate(checked);
    return true;
  }

  async listSources(scope: BrandScope): Promise<SourceMeta[]> {
    const records = await this.readRecords(checkScope(scope));
    return records.map((r) => r.meta).sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const scope = checkScope(request.scope);
    const k = request.k ?? 8;
    const terms = queryTerms(this.options.analyzerFor(scope), request.query);
    const embedding = this.queryEmbedding(request.embedding);
    if (terms.length === 0 && embedding === undefined) return { mode: "lexical", hits: [] };
    await this.init();
    return this.live.read(scope, async (live) => {
      if (live.generations.size === 0) return { mode: "lexical", hits: [] };
      const filter = searchFilter(scope, [...live.generations.values()]);
      return runSearch({
        client: this.client,
        collection: this.options.collection,
        filter,
        sparse: queryVector(terms),
        embedding,
        k,
      });
    });
  }

  async listQuarantined(scope: BrandScope, source?: string): Promise<QuarantinedPassage[]> {
    const checked = checkScope(scope);
    const records = (await this.readRecords(checked)).filter((r) => source === undefined || r.source === source);
    if (records.length === 0) return [];
    const filter = scopedFilter(checked, KIND.chunk, {
      generation: records.map((r) => r.generation),
      quarantine_state: [QUARANTINE_STATE.held, QUARANTINE_STATE.released],
    });
    const passages = (await this.scrollAll(filter)).map(({ payload }) => {
      const p = parsePayload(FlaggedChunkPayload, payload, "chunk");
      const quarantine = {
        ...p.quarantine,
        reasons: p.quarantine.reasons as QuarantinedPassage["quarantine"]["reasons"],
        ...(p.quarantine_released ? { released: p.quarantine_released } : {}),
      };
      return {
        source: p.chunk.source,
        ordinal: p.chunk.ordinal,
        chunk_id: chunkId(p.chunk),
        hash: p.chunk.hash,
        heading: p.chunk.headingPath.join(" › "),
        text: p.chunk.text,
        quarantine,
      };
    });
    return passages.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.ordinal - b.ordinal));
  }

  async releaseQuarantined(request: ReleaseRequest): Promise<QuarantinedPassage[]> {
    const scope = checkScope(request.scope);
    await this.init();
    const record = await this.readRecord(scope, request.source);
    if (!record) return [];
    const held = (await this.listQuarantined(scope, request.source)).filter(
      (p) => p.quarantine.released === undefined && (request.ordinal === undefined || p.ordinal === request.ordinal),
    );
    if (held.length === 0) return [];
    const release = { by: request.by, at: new Date().toISOString() };
    const points = held.map((p) => chunkPointId(scope, p.source, record.generation, p.ordinal));
    await call("release passages", () =>
      this.client.setPayload(this.options.collection, {
        wait: true,
        points,
        payload: { quarantine_state: QUARANTINE_STATE.released, quarantine_released: release },
      }),
    );
    // The record's count, flipped only if no replace got in between (that one wrote its own count).
    const left = (record.meta.quarantined ?? 0) - held.length;
    const { quarantined: _old, ...meta } = record.meta;
    const point = {
      id: sourcePointId(scope, record.source),
      vector: {},
      payload: sourcePayload(
        scope,
        left > 0 ? { ...meta, quarantined: left } : meta,
        record.generation,
        record.retired,
        record.chunks,
      ),
    };
    const update_filter = scopedFilter(scope, KIND.source, { source: record.source, generation: record.generation });
    await call("count released", () =>
      this.client.upsert(this.options.collection, { wait: true, points: [point], update_filter }),
    );
    await this.touchBrand(scope);
    this.live.invalidate(scope);
    return held.map((p) => ({ ...p, quarantine: { ...p.quarantine, released: release } }));
  }

  private async scrollAll(filter: ReturnType<typeof scopedFilter>): Promise<{ payload: unknown }[]> {
    const out: { payload: unknown }[] = [];
    let offset: string | number | undefined;
    do {
      const page = await call("list passages", () =>
        this.client.scroll(this.options.collection, {
          filter,
          limit: SCROLL_PAGE,
          with_payload: true,
          with_vector: false,
          ...(offset === undefined ? {} : { offset }),
        }),
      );
      for (const p of page.points) out.push({ payload: p.payload });
      const next = page.next_page_offset;
      offset = typeof next === "string" || typeof next === "number" ? next : undefined;
    } while (offset !== undefined);
    return out;
  }

  private async writeChunks(
    scope: BrandScope,
    generation: string,
    chunks: readonly Chunk[],
    vectors: number[][] | undefined,
  ): Promise<void> {
    const analyzer = this.options.analyzerFor(scope);
    for (let start = 0; start < chunks.length; start += UPSERT_BATCH) {
      const points = chunks.slice(start, start + UPSERT_BATCH).map((chunk, i) => {
        const dense = vectors?.[start + i];
        return {
          id: chunkPointId(scope, chunk.source, generation, chunk.ordinal),
          vector: {
            [SPARSE_VECTOR]: documentVector(chunkTerms(analyzer, chunk), this.bm25),
            ...(dense ? { [DENSE_VECTOR]: dense } : {}),
          },
          payload: chunkPayload(scope, generation, chunk),
        };
      });
      await call("write chunks", () => this.client.upsert(this.options.collection, { wait: true, points }));
    }
  }

  // The atomic step: one point. Conditional on the generation this writer read, or insert-only
  // when there was none, so two concurrent replaces cannot both win.
  private async flip(
    scope: BrandScope,
    meta: SourceMeta,
    generation: string,
    count: number,
    previous: SourceRecord | undefined,
  ): Promise<void> {
    const point = {
      id: sourcePointId(scope, meta.source),
      vector: {},
      payload: sourcePayload(scope, meta, generation, previous?.generation ?? null, count),
    };
    const condition = previous
      ? { update_filter: scopedFilter(scope, KIND.source, { source: meta.source, generation: previous.generation }) }
      : { update_mode: "insert_only" as const };
    await call("switch generation", () =>
      this.client.upsert(this.options.collection, { wait: true, points: [point], ...condition }),
    );
  }

  // After a flip: publish the change (token), then delete the retired generation, then clear
  // `retired` (conditionally, so a newer flip is never overwritten). Every step is idempotent.
  private async finish(scope: BrandScope, record: SourceRecord): Promise<void> {
    await this.touchBrand(scope);
    this.live.invalidate(scope);
    if (record.retired === null) return;
    await this.deleteChunks(scope, record.source, record.retired);
    const point = {
      id: sourcePointId(scope, record.source),
      vector: {},
      payload: sourcePayload(scope, record.meta, record.generation, null, record.chunks),
    };
    const update_filter = scopedFilter(scope, KIND.source, { source: record.source, generation: record.generation });
    await call("retire generation", () =>
      this.client.upsert(this.options.collection, { wait: true, points: [point], update_filter }),
    );
  }

  private async touchBrand(scope: BrandScope): Promise<void> {
    const point = {
      id: brandPointId(scope),
      vector: {},
      payload: { ...scopePayload(scope), kind: KIND.brand, token: randomUUID() },
    };
    await call("publish change", () => this.client.upsert(this.options.collection, { wait: true, points: [point] }));
  }

  private async deleteChunks(scope: BrandScope, source: string, generation: string): Promise<void> {
    const filter = scopedFilter(scope, KIND.chunk, { source, generation });
    await call("delete chunks", () => this.client.delete(this.options.collection, { wait: true, filter }));
  }

  private async readToken(scope: BrandScope): Promise<string | null> {
    const { points } = await call("read brand", () =>
      this.client.scroll(this.options.collection, {
        filter: scopedFilter(scope, KIND.brand),
        limit: 1,
        with_payload: true,
        with_vector: false,
      }),
    );
    return points[0] ? parsePayload(BrandPayload, points[0].payload, "brand").token : null;
  }

  private async readRecord(scope: BrandScope, source: string): Promise<SourceRecord | undefined> {
    const { points } = await call("read source", () =>
      this.client.scroll(this.options.collection, {
        filter: scopedFilter(scope, KIND.source, { source }),
        limit: 1,
        with_payload: true,
        with_vector: false,
      }),
    );
    return points[0] ? parsePayload(SourcePayload, points[0].payload, "source") : undefined;
  }

  private async readRecords(scope: BrandScope): Promise<SourceRecord[]> {
    await this.init();
    const records: SourceRecord[] = [];
    let offset: string | number | undefined;
    do {
      const page = await call("list sources", () =>
        this.client.scroll(this.options.collection, {
          filter: scopedFilter(scope, KIND.source),
          limit: SCROLL_PAGE,
          with_payload: true,
          with_vector: false,
          ...(offset === undefined ? {} : { offset }),
        }),
      );
      for (const p of page.points) records.push(parsePayload(SourcePayload, p.payload, "source"));
      const next = page.next_page_offset;
      offset = typeof next === "string" || typeof next === "number" ? next : undefined;
    } while (offset !== undefined);
    return records;
  }

  private queryEmbedding(embedding: SearchRequest["embedding"]): number[] | undefined {
    if (embedding === undefined || this.options.denseSize === undefined) return undefined;
    if (embedding.length !== this.options.denseSize || !Array.prototype.every.call(embedding, Number.isFinite)) {
      throw new XinError(
        "rag.vector_invalid",
        `the query embedding must be finite and ${this.options.denseSize}-dimensional`,
        { status: 400 },
      );
    }
    return Array.from(embedding);
  }

  private checkEmbeddings(count: number, embeddings: SourceUpsert["embeddings"]): number[][] | undefined {
    if (embeddings === undefined) return undefined;
    if (embeddings.length !== count)
      throw new XinError("rag.vector_invalid", `got ${embeddings.length} embeddings for ${count} chunks`, {
        status: 400,
      });
    const dims = this.options.denseSize;
    if (dims === undefined)
      throw new XinError(
        "rag.vector_invalid",
        "this qdrant backend has no dense vector configured (set the embedding dimensions)",
        { status: 400 },
      );
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
    return embeddings.map((v) => Array.from(v));
  }
}
