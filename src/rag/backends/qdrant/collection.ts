import type { QdrantClient } from "@qdrant/js-client-rest";
import { XinError } from "../../../runtime";
import { call } from "./errors";
import { INDEXED_FIELDS } from "./points";

/** Vector names inside the collection. */
export const DENSE_VECTOR = "dense";
export const SPARSE_VECTOR = "bm25";

export type CollectionLayout = {
  name: string;
  /** Dense vector size (the embedding model's dimensions); absent for a lexical-only deployment. */
  denseSize?: number;
};

type Schemas = Parameters<QdrantClient["createPayloadIndex"]>[1]["field_schema"];

// tenant_id is the tenant key: Qdrant then co-locates each tenant's points and builds per-tenant
// HNSW graphs, which is what keeps filtered searches fast with many tenants in one collection.
const fieldSchema = (field: (typeof INDEXED_FIELDS)[number]): Schemas =>
  field === "tenant_id" ? { type: "keyword", is_tenant: true } : "keyword";

const mismatch = (name: string, what: string) =>
  new XinError("rag.qdrant_schema_mismatch", `qdrant collection "${name}" does not match the configuration: ${what}`, {
    status: 500,
    hint: "point rag.qdrant.collection at a new collection name and re-ingest (changing the embedding model needs a re-embed)",
  });

/** Checks an existing collection's vectors against the layout xin would create. */
const verify = async (client: QdrantClient, layout: CollectionLayout): Promise<Set<string>> => {
  const info = await call("get collection", () => client.getCollection(layout.name));
  const vectors = info.config.params.vectors;
  const named = vectors && !("size" in vectors) ? vectors : {};
  const dense = named[DENSE_VECTOR];
  if (layout.denseSize !== undefined) {
    if (!dense) throw mismatch(layout.name, `it has no "${DENSE_VECTOR}" vector`);
    if (dense.size !== layout.denseSize)
      throw mismatch(
        layout.name,
        `"${DENSE_VECTOR}" has ${dense.size} dimensions, the embedding model ${layout.denseSize}`,
      );
    if (dense.distance !== "Cosine")
      throw mismatch(layout.name, `"${DENSE_VECTOR}" uses ${dense.distance} distance, not Cosine`);
  }
  const sparse = info.config.params.sparse_vectors?.[SPARSE_VECTOR];
  if (!sparse || sparse.modifier !== "idf")
    throw mismatch(layout.name, `"${SPARSE_VECTOR}" must be a sparse vector with the idf modifier`);
  return new Set(Object.keys(info.payload_schema));
};

/**
 * Creates the collection when it does not exist (dense vector with cosine distance, sparse BM25
 * vector with the IDF modifier), verifies it when it does, and makes sure every payload index
 * exists. Idempotent and safe to race: a second creator's "already exists" (409) is treated as
 * success and the collection is then verified like any existing one.
 */
export const ensureCollection = async (client: QdrantClient, layout: CollectionLayout): Promise<void> => {
  const { exists } = await call("check collection", () => client.collectionExists(layout.name));
  if (!exists) {
    await call("create collection", async () => {
      try {
        await client.createCollection(layout.name, {
          ...(layout.denseSize === undefined
            ? {}
            : { vectors: { [DENSE_VECTOR]: { size: layout.denseSize, distance: "Cosine" } } }),
          sparse_vectors: { [SPARSE_VECTOR]: { modifier: "idf" } },
        });
      } catch (e) {
        if ((e as { status?: unknown }).status !== 409) throw e;
      }
    });
  }
  const indexed = await verify(client, layout);
  for (const field of INDEXED_FIELDS) {
    if (indexed.has(field)) continue;
    await call(`index ${field}`, () =>
      client.createPayloadIndex(layout.name, { field_name: field, field_schema: fieldSchema(field), wait: true }),
    );
  }
};
