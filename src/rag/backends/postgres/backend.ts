import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import { newId } from "../../../runtime";
import { preparedOnce, schema, transaction, type Db, type TxContext } from "../../../runtime/db";
import { decodeVector, encodeVector } from "../../dense/vector-codec";
import type { Bm25Params } from "../../lexical/bm25-index";
import type { Chunk } from "../../ingest/chunker";
import { heldCount, isHeld, toQuarantinedPassage } from "../../ingest/quarantine/quarantine";
import type { Quarantine, QuarantinedPassage } from "../../ingest/quarantine/types";
import { BrandIndex, chunkId } from "../brand-index";
import type { AnalyzerForScope } from "../memory";
import { SyncQueue, syncBrandIndex } from "../sync";
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
} from "../types";
import { chunkFromRow, chunkMetadata, sourceMetaFromRow, type SourceRowMetadata } from "./rows";

type Cached = { index: BrandIndex; revision: number };

/**
 * The default backend: chunks in Postgres (plain columns, no extension), searched in process.
 *
 * Writes go to the tables in one transaction per batch and bump the brand's `knowledge_revision` in
 * that same transaction. Every search first reads the revision (one indexed primary-key lookup); when
 * it moved — this process or another `xin serve` on the same database wrote — the brand's in-process
 * BrandIndex is brought in step with `syncBrandIndex` under a per-brand queue, and each changed source
 * is swapped synchronously, so readers see a source's old chunks or its new ones, never a mix. The
 * index is built lazily on a brand's first search.
 *
 * Isolation: every SQL statement filters by tenant_id AND brand_id, and each BrandIndex only ever
 * holds one scope's rows.
 * Quarantine: held-back chunks are rows with `quarantined = true`; the loads that build a brand's
 * index select only `quarantined = false`, so they never reach it. A release flips the flag, updates
 * the source's count and bumps the revision in one transaction; the count is part of the source's
 * version, so every process reloads that source.
 */
export class PostgresBackend implements RetrievalBackend {
  readonly name = "postgres";
  private readonly cache = new Map<string, Cached>();
  private readonly syncs = new SyncQueue();

  constructor(
    private readonly db: () => Db,
    /** The brand's analyzer (from its persona language); may look it up. Called once per brand. */
    private readonly analyzerFor: (
      scope: BrandScope,
    ) => ReturnType<AnalyzerForScope> | Promise<ReturnType<AnalyzerForScope>>,
    private readonly params: Partial<Bm25Params> = {},
    /**
     * The embedding model in use. Vectors are stored with their model, and only vectors of this model
     * are searched: after a model change, sources not yet re-embedded are found lexically, never by
     * comparing vectors of two models (no outage, no wrong matches).
     */
    private readonly embeddingModel: string | null = null,
  ) {}

  async upsertSource(input: SourceUpsert): Promise<UpsertOutcome> {
    const [outcome] = await this.upsertSources([input]);
    return outcome;
  }

  /** Several sources of one brand in one transaction (ingest batches: fewer commits). */
  async upsertSources(inputs: SourceUpsert[]): Promise<UpsertOutcome[]> {
    if (inputs.length === 0) return [];
    const scope = checkScope(inputs[0].scope);
    if (inputs.some((i) => scopeKey(checkScope(i.scope)) !== scopeKey(scope)))
      throw new Error("upsertSources takes one brand per call");
    return transaction(this.db(), async (ctx) => {
      const outcomes: UpsertOutcome[] = [];
      for (const input of inputs) outcomes.push(await this.writeSource(ctx, scope, input));
      if (outcomes.some((o) => o.status !== "unchanged")) await bumpRevision(ctx, scope);
      return outcomes;
    });
  }

  private async writeSource({ tx }: TxContext, scope: BrandScope, input: SourceUpsert): Promise<UpsertOutcome> {
    const { meta, chunks, embeddings } = input;
    if (embeddings && embeddings.length !== chunks.length)
      throw new Error(`got ${embeddings.length} embeddings for ${chunks.length} chunks`);
    const [existing] = await tx
      .select({ id: schema.knowledgeSources.id, content_hash: schema.knowledgeSources.content_hash })
      .from(schema.knowledgeSources)
      .where(
        and(
          eq(schema.knowledgeSources.tenant_id, scope.tenant_id),
          eq(schema.knowledgeSources.brand_id, scope.brand_id),
          eq(schema.knowledgeSources.source, meta.source),
        ),
      )
      .for("update");
    if (existing?.content_hash === meta.hash) return { status: "unchanged", chunks: chunks.length };
    const metadata: SourceRowMetadata = {
      format: meta.format,
      title: meta.title,
      ...(meta.url ? { url: meta.url } : {}),
    };
    const quarantined = meta.quarantined ?? heldCount(chunks);
    let sourceId = existing?.id;
    if (sourceId) {
      await tx
        .delete(schema.chunks)
        .where(and(eq(schema.chunks.tenant_id, scope.tenant_id), eq(schema.chunks.source_id, sourceId)));
      await tx
        .update(schema.knowledgeSources)
        .set({ content_hash: meta.hash, metadata, quarantined, status: "ready", error: null, updated_at: sql`now()` })
        .where(eq(schema.knowledgeSources.id, sourceId));
    } else {
      sourceId = newId("src");
      await tx.insert(schema.knowledgeSources).values({
        id: sourceId,
        tenant_id: scope.tenant_id,
        brand_id: scope.brand_id,
        kind: meta.url ? "url" : "file",
        source: meta.source,
        content_hash: meta.hash,
        metadata,
        quarantined,
      });
    }
    for (let i = 0; i < chunks.length; i += 500) {
      await tx.insert(schema.chunks).values(
        chunks.slice(i, i + 500).map((c, j) => ({
          id: newId("chk"),
          tenant_id: scope.tenant_id,
          brand_id: scope.brand_id,
          source_id: sourceId,
          chunk_key: chunkId(c),
          ordinal: c.ordinal,
          text: c.text,
          metadata: chunkMetadata(c),
          token_count: c.tokens,
          embedding: embeddings?.[i + j] ? encodeVector(embeddings[i + j]) : null,
          embedding_model: embeddings?.[i + j] ? this.embeddingModel : null,
          quarantined: isHeld(c),
          quarantine: c.quarantine ?? null,
        })),
      );
    }
    return { status: existing ? "changed" : "added", chunks: chunks.length };
  }

  async removeSource(scope: BrandScope, source: string): Promise<boolean> {
    const s = checkScope(scope);
    return transaction(this.db(), async (ctx) => {
      const removed = await ctx.tx
        .delete(schema.knowledgeSources)
        .where(
          and(
            eq(schema.knowledgeSources.tenant_id, s.tenant_id),
            eq(schema.knowledgeSources.brand_id, s.brand_id),
            eq(schema.knowledgeSources.source, source),
          ),
        )
        .returning({ id: schema.knowledgeSources.id });
      if (removed.length) await bumpRevision(ctx, s);
      return removed.length > 0;
    });
  }

  async listSources(scope: BrandScope): Promise<SourceMeta[]> {
    const s = checkScope(scope);
    const rows = await this.db()
      .select({
        source: schema.knowledgeSources.source,
        content_hash: schema.knowledgeSources.content_hash,
        metadata: schema.knowledgeSources.metadata,
        quarantined: schema.knowledgeSources.quarantined,
      })
      .from(schema.knowledgeSources)
      .where(and(eq(schema.knowledgeSources.tenant_id, s.tenant_id), eq(schema.knowledgeSources.brand_id, s.brand_id)))
      .orderBy(asc(schema.knowledgeSources.source));
    return rows.map(sourceMetaFromRow);
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const scope = checkScope(request.scope);
    const index = await this.fresh(scope, request.revision);
    return index.search(request.query, request.embedding, request.k ?? 8);
  }

  /** The brand's index, synced to the stored revision (`known`: as the caller just read it, saving a round trip). */
  private async fresh(scope: BrandScope, known?: number): Promise<BrandIndex> {
    const key = scopeKey(scope);
    const revision = known ?? (await readRevision(this.db(), scope));
    const cached = this.cache.get(key);
    if (cached && cached.revision === revision) return cached.index;
    return this.syncs.run(key, async () => {
      const cached = this.cache.get(key);
      const current = cached ?? { index: new BrandIndex(await this.analyzerFor(scope), this.params), revision: -1 };
      const target = await readRevision(this.db(), scope);
      if (current.revision === target) return current.index;
      const stored = await this.listSources(scope);
      // A first build reads every chunk of the brand in one pass; later syncs reload only changed sources.
      const bulk = cached ? null : await this.loadBrand(scope);
      await syncBrandIndex(
        current.index,
        stored,
        async (source) => bulk?.get(source) ?? this.loadSource(scope, source),
      );
      this.cache.set(key, { index: current.index, revision: target });
      return current.index;
    });
  }

  /** Builds the brand's index now (after a bulk ingest), so the first search does not pay for it. */
  async warm(scope: BrandScope): Promise<void> {
    await this.fresh(checkScope(scope));
  }

  /** A chunk's columns, its vector only when it belongs to the model in use. */
  private chunkColumns() {
    const model = this.embeddingModel;
    return {
      ordinal: schema.chunks.ordinal,
      text: schema.chunks.text,
      token_count: schema.chunks.token_count,
      metadata: schema.chunks.metadata,
      embedding: model
        ? sql<Uint8Array | null>`case when ${schema.chunks.embedding_model} = ${model} then ${schema.chunks.embedding} end`.mapWith(
            schema.chunks.embedding,
          )
        : sql<null>`null`,
    };
  }

  private async loadBrand(scope: BrandScope): Promise<Map<string, { chunks: Chunk[]; embeddings?: Float32Array[] }>> {
    const rows = await this.db()
      .select({ source: schema.knowledgeSources.source, ...this.chunkColumns() })
      .from(schema.chunks)
      .innerJoin(schema.knowledgeSources, eq(schema.knowledgeSources.id, schema.chunks.source_id))
      .where(
        and(
          eq(schema.chunks.tenant_id, scope.tenant_id),
          eq(schema.chunks.brand_id, scope.brand_id),
          eq(schema.chunks.quarantined, false),
        ),
      )
      .orderBy(asc(schema.chunks.source_id), asc(schema.chunks.ordinal));
    const bySource = new Map<string, typeof rows>();
    for (const r of rows) {
      const list = bySource.get(r.source);
      if (list) list.push(r);
      else bySource.set(r.source, [r]);
    }
    return new Map([...bySource].map(([source, list]) => [source, toLoaded(list, source)]));
  }

  private async loadSource(scope: BrandScope, source: string) {
    const rows = await this.db()
      .select(this.chunkColumns())
      .from(schema.chunks)
      .innerJoin(schema.knowledgeSources, eq(schema.knowledgeSources.id, schema.chunks.source_id))
      .where(
        and(
          eq(schema.chunks.tenant_id, scope.tenant_id),
          eq(schema.chunks.brand_id, scope.brand_id),
          eq(schema.knowledgeSources.source, source),
          eq(schema.chunks.quarantined, false),
        ),
      )
      .orderBy(asc(schema.chunks.ordinal));
    return toLoaded(rows, source);
  }

  async listQuarantined(scope: BrandScope, source?: string): Promise<QuarantinedPassage[]> {
    const s = checkScope(scope);
    const rows = await this.db()
      .select({
        source: schema.knowledgeSources.source,
        chunk_key: schema.chunks.chunk_key,
        ordinal: schema.chunks.ordinal,
        text: schema.chunks.text,
        token_count: schema.chunks.token_count,
        metadata: schema.chunks.metadata,
        quarantine: schema.chunks.quarantine,
      })
      .from(schema.chunks)
      .innerJoin(schema.knowledgeSources, eq(schema.knowledgeSources.id, schema.chunks.source_id))
      .where(
        and(
          eq(schema.chunks.tenant_id, s.tenant_id),
          eq(schema.chunks.brand_id, s.brand_id),
          isNotNull(schema.chunks.quarantine),
          source === undefined ? undefined : eq(schema.knowledgeSources.source, source),
        ),
      )
      .orderBy(asc(schema.knowledgeSources.source), asc(schema.chunks.ordinal));
    return rows.map((r) =>
      toQuarantinedPassage({ ...chunkFromRow(r, r.source), quarantine: r.quarantine as Quarantine }, r.chunk_key),
    );
  }

  async releaseQuarantined(request: ReleaseRequest): Promise<QuarantinedPassage[]> {
    const s = checkScope(request.scope);
    const released = { released: { by: request.by, at: new Date().toISOString() } };
    return transaction(this.db(), async (ctx) => {
      const [source] = await ctx.tx
        .select({ id: schema.knowledgeSources.id })
        .from(schema.knowledgeSources)
        .where(
          and(
            eq(schema.knowledgeSources.tenant_id, s.tenant_id),
            eq(schema.knowledgeSources.brand_id, s.brand_id),
            eq(schema.knowledgeSources.source, request.source),
          ),
        )
        .for("update");
      if (!source) return [];
      const rows = await ctx.tx
        .update(schema.chunks)
        .set({ quarantined: false, quarantine: sql`${schema.chunks.quarantine} || ${JSON.stringify(released)}::jsonb` })
        .where(
          and(
            eq(schema.chunks.tenant_id, s.tenant_id),
            eq(schema.chunks.source_id, source.id),
            eq(schema.chunks.quarantined, true),
            request.ordinal === undefined ? undefined : eq(schema.chunks.ordinal, request.ordinal),
          ),
        )
        .returning({
          chunk_key: schema.chunks.chunk_key,
          ordinal: schema.chunks.ordinal,
          text: schema.chunks.text,
          token_count: schema.chunks.token_count,
          metadata: schema.chunks.metadata,
          quarantine: schema.chunks.quarantine,
        });
      if (rows.length === 0) return [];
      await ctx.tx
        .update(schema.knowledgeSources)
        .set({
          quarantined: sql`(select count(*)::int from ${schema.chunks} where ${schema.chunks.source_id} = ${source.id} and ${schema.chunks.quarantined})`,
          updated_at: sql`now()`,
        })
        .where(eq(schema.knowledgeSources.id, source.id));
      await bumpRevision(ctx, s);
      return rows
        .map((r) =>
          toQuarantinedPassage(
            { ...chunkFromRow(r, request.source), quarantine: r.quarantine as Quarantine },
            r.chunk_key,
          ),
        )
        .sort((a, b) => a.ordinal - b.ordinal);
    });
  }
}

type ChunkRow = { ordinal: number; text: string; token_count: number; metadata: unknown; embedding: Uint8Array | null };

/** Rows of one source → its chunks, and its vectors when every chunk has one. */
const toLoaded = (rows: ChunkRow[], source: string): { chunks: Chunk[]; embeddings?: Float32Array[] } => {
  const chunks = rows.map((r) => chunkFromRow(r, source));
  const vectors = rows.map((r) => (r.embedding ? decodeVector(r.embedding) : null));
  const complete = vectors.length > 0 && vectors.every((v) => v !== null);
  return { chunks, ...(complete ? { embeddings: vectors as Float32Array[] } : {}) };
};

const bumpRevision = async ({ tx }: TxContext, scope: BrandScope) => {
  await tx
    .update(schema.brands)
    .set({ knowledge_revision: sql`${schema.brands.knowledge_revision} + 1` })
    .where(and(eq(schema.brands.id, scope.brand_id), eq(schema.brands.tenant_id, scope.tenant_id)));
};

// Read before every search: built once (see preparedOnce).
const revisionQuery = preparedOnce((db) =>
  db
    .select({ revision: schema.brands.knowledge_revision })
    .from(schema.brands)
    .where(
      and(eq(schema.brands.id, sql.placeholder("brand_id")), eq(schema.brands.tenant_id, sql.placeholder("tenant_id"))),
    )
    .prepare("knowledge_revision"),
);

const readRevision = async (db: Db, scope: BrandScope): Promise<number> => {
  const [row] = await revisionQuery(db).execute({ brand_id: scope.brand_id, tenant_id: scope.tenant_id });
  return row?.revision ?? 0;
};
