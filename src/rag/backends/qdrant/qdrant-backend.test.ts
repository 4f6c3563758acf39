import { describe, expect, test } from "bun:test";
import {
  A,
  B,
  chunksOf,
  meta,
  mustOf,
  unscopedFilters,
  useQdrantFake,
} from "../../../../test/support/fakes/qdrant-harness";
import { chunkTerms } from "../chunk-terms";
import { analyzerFor } from "../../lexical/analyzer";
import { CONTRACT_DIMS, retrievalBackendContract } from "../contract";
import { quarantineContract } from "../quarantine-contract";
import { MemoryBackend } from "../memory";
import type { BrandScope } from "../types";
import { sourcePayload, sourcePointId } from "./points";

const { fake, make, created, lastCollection } = useQdrantFake(CONTRACT_DIMS);

retrievalBackendContract("QdrantBackend", async () => make());
quarantineContract("QdrantBackend", async () => ({ backend: make(), scope: A, other: B }));

describe("QdrantBackend: every request is scoped inside Qdrant", () => {
  // Runs after the contract suite above and checks what the fake received during all of it.
  test("every search, prefetch, scroll, count and delete carried tenant_id AND brand_id in its must filter", () => {
    expect(unscopedFilters(fake())).toEqual([]);
    // …and every search left held-back chunks out inside Qdrant.
    for (const s of fake().searches())
      expect(JSON.stringify(s.filter)).toContain('"must_not":[{"key":"quarantine_state","match":{"value":"held"}}]');
    expect(
      fake().requests.filter((r) => /\/points\/(query|query\/batch|scroll|delete)$/.test(r.path)).length,
    ).toBeGreaterThan(50);
    // Hybrid searches went through prefetch + RRF in Qdrant.
    expect(
      fake()
        .searches()
        .some(
          (s) => Array.isArray(s.prefetch) && s.prefetch.length === 2 && JSON.stringify(s.query) === '{"rrf":{"k":61}}',
        ),
    ).toBe(true);
  });

  test("stored points hold the scope in their payload and the BM25 weights in a sparse vector", () => {
    const points = created.flatMap((c) => fake().points(c));
    const chunks = points.filter((p) => p.payload.kind === "chunk");
    expect(chunks.length).toBeGreaterThan(5);
    for (const p of chunks) {
      expect(typeof p.payload.tenant_id).toBe("string");
      const sparse = p.vectors.bm25 as { indices: number[]; values: number[] };
      expect(sparse.indices.length).toBeGreaterThan(0);
      expect(sparse.indices).toEqual([...sparse.indices].sort((a, b) => a - b));
      expect(sparse.values.every((v) => v > 0 && v < 2.2)).toBe(true);
    }
  });
});

describe("QdrantBackend: collection", () => {
  test("creates one collection with a cosine dense vector, an idf sparse vector and tenant-keyed payload indexes", async () => {
    const b = make({ denseSize: 4 });
    await b.upsertSource({ scope: A, meta: meta("a.md", "1"), chunks: chunksOf("a.md", "hello there") });
    const name = lastCollection();
    const create = fake().requests.find((r) => r.method === "PUT" && r.path === `/collections/${name}`);
    expect(create?.body).toEqual({
      vectors: { dense: { size: 4, distance: "Cosine" } },
      sparse_vectors: { bm25: { modifier: "idf" } },
    });
    const indexes = fake()
      .requests.filter((r) => r.path === `/collections/${name}/index`)
      .map((r) => r.body);
    expect(indexes).toContainEqual({ field_name: "tenant_id", field_schema: { type: "keyword", is_tenant: true } });
    expect(indexes.map((i) => i?.field_name)).toEqual([
      "tenant_id",
      "brand_id",
      "kind",
      "source",
      "generation",
      "quarantine_state",
    ]);
  });

  test("an existing collection with other dimensions is refused with a fix", async () => {
    const first = make({ denseSize: 4 });
    await first.init();
    const again = make({ denseSize: 8, collection: lastCollection() });
    await expect(again.init()).rejects.toMatchObject({ code: "rag.qdrant_schema_mismatch" });
  });

  test("a lexical-only deployment needs no dense vector and ignores query embeddings", async () => {
    const b = make({ denseSize: undefined });
    await b.upsertSource({
      scope: A,
      meta: meta("l.md", "1"),
      chunks: chunksOf("l.md", "Parcel lockers accept returns."),
    });
    const result = await b.search({ scope: A, query: "parcel returns", embedding: [1, 0, 0] });
    expect(result.mode).toBe("lexical");
    expect(result.hits).toHaveLength(1);
  });
});

describe("QdrantBackend: listing", () => {
  test("lists every source of a large brand across scroll pages, and only that brand's", async () => {
    const b = make();
    const name = lastCollection();
    await b.init();
    const records = (scope: BrandScope, n: number) =>
      Array.from({ length: n }, (_, i) => {
        const source = `doc-${String(i).padStart(3, "0")}.md`;
        return {
          id: sourcePointId(scope, source),
          vector: {},
          payload: sourcePayload(scope, meta(source, "h"), `g${i}`, null, 1),
        };
      });
    const put = await fetch(`${fake().url}/collections/${name}/points?wait=true`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ points: [...records(A, 600), ...records(B, 3)] }),
    });
    expect(put.status).toBe(200);
    const listed = await b.listSources(A);
    expect(listed).toHaveLength(600);
    expect(new Set(listed.map((s) => s.source)).size).toBe(600);
    expect(await b.listSources(B)).toHaveLength(3);
  });
});

describe("QdrantBackend: errors", () => {
  test("an unreachable Qdrant is a retryable rag.backend_unreachable", async () => {
    const b = make({ url: "http://127.0.0.1:9" });
    const error = await b.search({ scope: A, query: "anything" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "rag.backend_unreachable", retryable: true, status: 503 });
  });

  test("a Qdrant that stops answering is rag.backend_unreachable after the timeout", async () => {
    const b = make({ timeoutMs: 150 });
    await b.init();
    fake().script({ hang: true });
    expect(await b.listSources(A).catch((e: unknown) => e)).toMatchObject({
      code: "rag.backend_unreachable",
      retryable: true,
    });
  });

  test("5xx is retryable, 429 carries Retry-After, 4xx is final", async () => {
    const b = make();
    await b.init();
    fake().script({ status: 503, body: { status: { error: "Service unavailable" }, time: 0 } });
    expect(await b.listSources(A).catch((e: unknown) => e)).toMatchObject({
      code: "rag.backend_failed",
      retryable: true,
    });
    fake().script({
      status: 429,
      body: { status: { error: "Too many requests" }, time: 0 },
      headers: { "retry-after": "2" },
    });
    expect(await b.listSources(A).catch((e: unknown) => e)).toMatchObject({
      code: "rag.backend_busy",
      retryable: true,
      retryAfterMs: 2000,
    });
    fake().script({ status: 400, body: { status: { error: "Wrong input: bad filter" }, time: 0 } });
    const rejected = await b.listSources(A).catch((e: unknown) => e);
    expect(rejected).toMatchObject({ code: "rag.backend_rejected", retryable: false });
    expect((rejected as Error).message).toContain("Wrong input: bad filter");
  });
});

describe("QdrantBackend: ranking", () => {
  test("sparse vectors + Qdrant's IDF reproduce the in-process BM25 scores when avgdl matches the corpus", async () => {
    const texts = [
      "Refunds are paid within five working days.",
      "Refunds for damaged parcels need a photo of the damage.",
      "Our kettles boil water in ninety seconds.",
      "Descale the kettle monthly; limescale slows boiling.",
      "Gift cards never expire and cannot be refunded.",
      "Opening hours are nine to five on working days.",
    ];
    const chunks = chunksOf("corpus.md", ...texts);
    const analyzer = analyzerFor("en");
    const avgdl = chunks.reduce((sum, c) => sum + chunkTerms(analyzer, c).length, 0) / chunks.length;
    const qdrant = make({ avgdl });
    const memory = new MemoryBackend(() => analyzerFor("en"));
    for (const b of [qdrant, memory]) await b.upsertSource({ scope: A, meta: meta("corpus.md", "v1"), chunks });
    for (const query of [
      "refund working days",
      "kettle boiling limescale",
      "gift cards expire",
      "damaged parcel photo refund refund",
    ]) {
      const expected = (await memory.search({ scope: A, query, k: 10 })).hits;
      const actual = (await qdrant.search({ scope: A, query, k: 10 })).hits;
      expect(expected.length).toBeGreaterThan(0);
      // Same hits with the same scores; equal scores may come in another order (ids break ties).
      const scores = new Map(expected.map((h) => [h.chunk_id, h.score]));
      expect(actual.map((h) => h.chunk_id).sort()).toEqual([...scores.keys()].sort());
      for (const hit of actual) expect(hit.score).toBeCloseTo(scores.get(hit.chunk_id) ?? -1, 9);
      expect(actual.map((h) => h.score)).toEqual(actual.map((h) => h.score).sort((x, y) => y - x));
    }
  });
});
