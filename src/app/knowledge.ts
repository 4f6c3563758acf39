import { and, eq, or } from "drizzle-orm";
import { join } from "node:path";
import { createEmbeddingsClient, type EmbeddingsClient } from "../llm";
import {
  analyzerFor,
  PostgresBackend,
  QdrantBackend,
  runIngest,
  type BrandScope,
  type IngestProgress,
  type IngestSummary,
  type QuarantinedPassage,
  type RetrievalBackend,
} from "../rag";
import type { Config } from "../runtime/config";
import type { KnowledgeApi } from "../gateway";
import { BlobStore, XinError, type Logger } from "../runtime";
import { schema, transaction, type Db } from "../runtime/db";
import { EgressGuard } from "../runtime/net";
import { chooseBrand, recordAudit } from "../tenancy";
import { auditQuarantined } from "../workers";

export type BrandRef = { id: string; tenant_id: string; name: string; slug: string; language: string };

/**
 * Finds a brand by id, slug or name (as users type it), optionally within a tenant (id or name); with
 * no `ref`, the instance's (or tenant's) only brand. The rule is `chooseBrand`'s, shared by the CLI.
 */
export const resolveBrand = async (db: Db, ref?: string | null, tenantRef?: string | null): Promise<BrandRef> => {
  const rows = await db
    .select({ brand: schema.brands, tenant: schema.tenants })
    .from(schema.brands)
    .innerJoin(schema.tenants, eq(schema.tenants.id, schema.brands.tenant_id))
    .where(
      and(
        ref ? or(eq(schema.brands.id, ref), eq(schema.brands.slug, ref), eq(schema.brands.name, ref)) : undefined,
        tenantRef ? or(eq(schema.tenants.id, tenantRef), eq(schema.tenants.name, tenantRef)) : undefined,
      ),
    );
  const chosen = chooseBrand(
    rows.map(({ brand, tenant }) => ({
      id: brand.id,
      slug: brand.slug,
      name: brand.name,
      tenant_id: tenant.id,
      tenant_name: tenant.name,
      language: brand.persona.language,
    })),
    ref,
    tenantRef,
  );
  return {
    id: chosen.id,
    tenant_id: chosen.tenant_id,
    name: chosen.name,
    slug: chosen.slug,
    language: chosen.language,
  };
};

/** The brand's persona language picks its analyzer (English stemming, or tokenizing only). */
const brandAnalyzer = (db: () => Db) => async (scope: BrandScope) => {
  const [row] = await db()
    .select({ persona: schema.brands.persona })
    .from(schema.brands)
    .where(and(eq(schema.brands.id, scope.brand_id), eq(schema.brands.tenant_id, scope.tenant_id)));
  return analyzerFor(row?.persona.language ?? "en");
};

export type KnowledgeBackend = RetrievalBackend & {
  upsertSources?: PostgresBackend["upsertSources"];
  warm?: PostgresBackend["warm"];
};

/**
 * The retrieval backend of this instance: Postgres (default), or Qdrant when `retrieval.backend =
 * "qdrant"`. Qdrant's sparse vectors are built with one analyzer for the whole collection (English);
 * a dense size must be known up front, so it takes `embeddings.dimensions`.
 */
export const createKnowledgeBackend = (db: () => Db, config?: Config): KnowledgeBackend => {
  const r = config?.retrieval;
  if (r?.backend !== "qdrant") return new PostgresBackend(db, brandAnalyzer(db), {}, config?.embeddings?.model ?? null);
  if (config?.embeddings && !config.embeddings.dimensions) {
    throw new XinError(
      "config.invalid",
      "retrieval.backend = qdrant with embeddings needs embeddings.dimensions (the collection's vector size)",
      {
        hint: "set embeddings.dimensions (XIN_EMBEDDINGS__DIMENSIONS) to the model's vector size, e.g. 1536",
      },
    );
  }
  return new QdrantBackend({
    url: r.qdrant_url!,
    apiKey: r.qdrant_api_key,
    collection: r.qdrant_collection,
    denseSize: config?.embeddings?.dimensions,
    analyzerFor: () => analyzerFor("en"),
  });
};

/** The embeddings client when `embeddings` is configured; null means lexical-only retrieval. */
export const createEmbedder = (config: Config): EmbeddingsClient | null =>
  config.embeddings ? createEmbeddingsClient(config.embeddings) : null;

/**
 * Search with the query embedded when an embeddings endpoint is configured (hybrid), lexical-only
 * otherwise — and lexical-only, with a warning, when the endpoint fails: a customer still gets an
 * answer from the brand's documents while the embeddings server is down.
 */
export const searchKnowledge = async (
  backend: RetrievalBackend,
  embedder: EmbeddingsClient | null,
  scope: BrandScope,
  query: string,
  k: number,
  log?: Logger,
  revision?: number,
) => {
  let embedding: Float32Array | undefined;
  if (embedder && query.trim()) {
    try {
      [embedding] = await embedder.embed([query], { tenantId: scope.tenant_id });
    } catch (e) {
      log?.warn("query embedding failed, searching lexical-only", { err: (e as Error).message });
    }
  }
  return backend.search({ scope, query, k, embedding, revision });
};

/** The knowledge facade the admin API gets: brand lookup scoped to the caller's tenant, search, sources. */
export const knowledgeApi = (
  db: () => Db,
  backend: KnowledgeBackend,
  embedder: EmbeddingsClient | null = null,
  log?: Logger,
): KnowledgeApi => ({
  resolveBrand: (ref, tenantId) => resolveBrand(db(), ref, tenantId),
  search: (scope, query, k) => searchKnowledge(backend, embedder, scope, query, k, log),
  listSources: (scope) => backend.listSources(scope),
  removeSource: (scope, source) => backend.removeSource(scope, source),
  listQuarantined: (scope, source) => backend.listQuarantined(scope, source),
  release: (scope, source, ordinal, actor) => releasePassages(db, backend, scope, [source], ordinal, actor),
});

export type { IngestProgress, IngestSummary, QuarantinedPassage, SearchResult, SourceMeta } from "../rag";
export { REASON_TEXT } from "../rag";

/**
 * `xin ingest` without a running server: straight into the store, raw documents kept in the blob
 * store. The only entrance that reads paths on this machine: it runs as the operator, locally.
 */
export const ingestIntoBrand = async (o: {
  db: () => Db;
  dataDir: string;
  scope: BrandScope;
  inputs: string[];
  /** Local files, each named by its path within the folder given (as uploads to a server are named). */
  uploads?: { source: string; read: () => Uint8Array | null }[];
  prune: boolean;
  embedder?: EmbeddingsClient | null;
  config?: Config;
  crawl?: { max_pages: number; max_depth: number };
  onProgress?: (p: IngestProgress) => void;
}): Promise<IngestSummary> => {
  const blobs = new BlobStore(join(o.dataDir, "blobs"));
  const summary = await runIngest({
    backend: createKnowledgeBackend(o.db, o.config),
    scope: o.scope,
    inputs: o.inputs,
    uploads: o.uploads,
    prune: o.prune,
    keepRaw: (bytes) => blobs.put(bytes),
    // The operator's own CLI reads server paths, but crawls under the same egress policy as the server.
    fetch: new EgressGuard({ allowCidrs: o.config?.egress.allow_cidrs ?? [] }).fetch,
    embed: o.embedder ? (texts) => o.embedder!.embed(texts, { tenantId: o.scope.tenant_id }) : undefined,
    crawl: o.crawl ? { maxPages: o.crawl.max_pages, maxDepth: o.crawl.max_depth } : undefined,
    onProgress: o.onProgress,
  });
  // A change made from the CLI is audited like one made through the API; so is each passage held back.
  await transaction(o.db(), async ({ tx }) => {
    await recordAudit(tx, {
      tenant_id: o.scope.tenant_id,
      actor: "cli",
      action: "knowledge.ingest",
      subject_type: "brand",
      subject_id: o.scope.brand_id,
      after: {
        inputs: o.inputs,
        prune: o.prune,
        added: summary.added.length,
        changed: summary.changed.length,
        removed: summary.removed.length,
        failed: summary.failed.length,
        quarantined: summary.quarantined.length,
      },
    });
    await auditQuarantined(tx, o.scope.tenant_id, "cli", summary.quarantined);
  });
  return summary;
};

/** Removes a source and its chunks (its path as listed, or as typed relative to here), audited. */
export const removeKnowledgeSource = async (
  db: () => Db,
  config: Config | undefined,
  scope: BrandScope,
  source: string,
  alternative: string,
  actor: string,
): Promise<boolean> => {
  const backend = createKnowledgeBackend(db, config);
  const removed = (await backend.removeSource(scope, source))
    ? source
    : (await backend.removeSource(scope, alternative))
      ? alternative
      : null;
  if (removed) {
    await transaction(db(), ({ tx }) =>
      recordAudit(tx, {
        tenant_id: scope.tenant_id,
        actor,
        action: "knowledge.remove",
        subject_type: "source",
        subject_id: removed,
        before: { source: removed },
      }),
    );
  }
  return removed !== null;
};

/**
 * The owner's override of the ingest-time check: makes the held-back passages of a source (one, or
 * all) retrievable and writes one `knowledge.release` audit entry per passage. The release is kept
 * across re-ingests for as long as the passage's content is unchanged (run-ingest.ts). `sources`:
 * the source as listed, then as typed relative to here (CLI); the first that holds passages wins.
 * Returns the passages released now: none when nothing of the source was held back.
 */
export const releasePassages = async (
  db: () => Db,
  backend: RetrievalBackend,
  scope: BrandScope,
  sources: string[],
  ordinal: number | undefined,
  actor: string,
): Promise<QuarantinedPassage[]> => {
  for (const source of sources) {
    const released = await backend.releaseQuarantined({ scope, source, ordinal, by: actor });
    if (released.length === 0) continue;
    await transaction(db(), async ({ tx }) => {
      for (const p of released) {
        await recordAudit(tx, {
          tenant_id: scope.tenant_id,
          actor,
          action: "knowledge.release",
          subject_type: "passage",
          subject_id: p.chunk_id,
          before: { reasons: p.quarantine.reasons, evidence: p.quarantine.evidence },
          after: { source: p.source, passage: p.ordinal, hash: p.hash, released: p.quarantine.released },
        });
      }
    });
    return released;
  }
  return [];
};
