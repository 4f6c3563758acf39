import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startQdrantFake, type QdrantFake } from "../../../../test/support/fakes/qdrant";
import { chunkDocument, indexText } from "../../ingest/chunker";
import { analyzerFor } from "../../lexical/analyzer";
import { CONTRACT_DIMS, retrievalBackendContract } from "../contract";
import { MemoryBackend } from "../memory";
import type { BrandScope } from "../types";
import { chunkPayload, chunkPointId } from "./points";
import { QdrantBackend } from "./qdrant-backend";
import { documentVector } from "./sparse";

let fake: QdrantFake;
let collections = 0;
const created: string[] = [];

beforeAll(async () => {
  fake = await startQdrantFake();
});
afterAll(async () => {
  await fake.stop();
});

const make = (options: { denseSize?: number; collection?: string; url?: string; avgdl?: number; timeoutMs?: number } = {}) => {
  const collection = options.collection ?? `xin_test_${++collections}`;
  created.push(collection);
  return new QdrantBackend({ url: options.url ?? fake.url, collection, denseSize: "denseSize" in options ? options.denseSize : CONTRACT_DIMS, analyzerFor: () => analyzerFor("en"), bm25: options.avgdl === undefined ? {} : { avgdl: options.avgdl }, timeoutMs: options.timeoutMs });
};

retrievalBackendContract("QdrantBackend", async () => make());

type Condition = { key?: string; match?: { value?: unknown } };
const mustOf = (filter: unknown): Condition[] => ((filter as { must?: Condition[] } | undefined)?.must ?? []);
const scopeOf = (filter: unknown) => {
  const must = mustOf(filter);
  const value = (key: string) => must.find((c) => c.key === key)?.match?.value;
  return { tenant_id: value("tenant_id"), brand_id: value("brand_id") };
};

describe("QdrantBackend: every request is scoped inside Qdrant", () => {
  // Runs after the contract suite above and checks what the fake received during all of it.
  test("every search, prefetch, scroll, count and delete carried tenant_id AND brand_id in its must filter", () => {
    const reads = fake.requests.filter((r) => /\/points\/(query|query\/batch|scroll|count|delete)$/.test(r.path));
    expect(reads.length).toBeGreaterThan(50);
    const filters: unknown[] = [];
    for (const search of fake.searches()) {
      filters.push(search.filter);
      for (const prefetch of (search.prefetch ?? []) as { filter?: unknown }[]) filters.push(prefetch.filter);
    }
    for (const r of reads.filter((r) => !/query/.test(r.path))) filters.push(r.body?.filter);
    for (const filter of filters) {
      const scope = scopeOf(filter);
      expect(typeof scope.tenant_id).toBe("string");
      expect(typeof scope.brand_id).toBe("string");
    }
    // Hybrid searches went through prefetch + RRF in Qdrant.
    expect(fake.searches().some((s) => Array.isArray(s.prefetch) && s.prefetch.length === 2 && JSON.stringify(s.query) === '{"rrf":{"k":61}}')).toBe(true);
  });

  test("stored points hold the scope in their payload and the BM25 weights in a sparse vector", () => {
    const points = created.flatMap((c) => fake.points(c));
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

const A: BrandScope = { tenant_id: "ten_a", brand_id: "brd" };
const B: BrandScope = { tenant_id: "ten_b", brand_id: "brd" };
const chunksOf = (source: string, ...texts: string[]) =>
  chunkDocument({ sections: texts.map((text, i) => ({ kind: "paragraph", text, headingPath: [`H${i}`] })) }, { source }, { maxTokens: 20, overlapTokens: 0 });
const meta = (source: string, hash: string) => ({ source, hash, format: "markdown" as const, title: source });

describe("QdrantBackend: collection", () => {
  test("creates one collection with a cosine dense vector, an idf sparse vector and tenant-keyed payload indexes", async () => {
    const b = make({ denseSize: 4 });
    await b.upsertSource({ scope: A, meta: meta("a.md", "1"), chunks: chunksOf("a.md", "hello there") });
    const name = created[created.length - 1];
    const create = fake.requests.find((r) => r.method === "PUT" && r.path === `/collections/${name}`);
    expect(create?.body).toEqual({ vectors: { dense: { size: 4, distance: "Cosine" } }, sparse_vectors: { bm25: { modifier: "idf" } } });
    const indexes = fake.requests.filter((r) => r.path === `/collections/${name}/index`).map((r) => r.body);
    expect(indexes).toContainEqual({ field_name: "tenant_id", field_schema: { type: "keyword", is_tenant: true } });
    expect(indexes.map((i) => i?.field_name)).toEqual(["tenant_id", "brand_id", "kind", "source", "generation"]);
  });

  test("an existing collection with other dimensions is refused with a fix", async () => {
    const first = make({ denseSize: 4 });
    await first.init();
    const again = make({ denseSize: 8, collection: created[created.length - 1] });
    await expect(again.init()).rejects.toMatchObject({ code: "rag.qdrant_schema_mismatch" });
  });

  test("a lexical-only deployment needs no dense vector and ignores query embeddings", async () => {
    const b = make({ denseSize: undefined });
    await b.upsertSource({ scope: A, meta: meta("l.md", "1"), chunks: chunksOf("l.md", "Parcel lockers accept returns.") });
    const result = await b.search({ scope: A, query: "parcel returns", embedding: [1, 0, 0] });
    expect(result.mode).toBe("lexical");
    expect(result.hits).toHaveLength(1);
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
    fake.script({ hang: true });
    expect(await b.listSources(A).catch((e: unknown) => e)).toMatchObject({ code: "rag.backend_unreachable", retryable: true });
  });

  test("5xx is retryable, 429 carries Retry-After, 4xx is final", async () => {
    const b = make();
    await b.init();
    fake.script({ status: 503, body: { status: { error: "Service unavailable" }, time: 0 } });
    expect(await b.listSources(A).catch((e: unknown) => e)).toMatchObject({ code: "rag.backend_failed", retryable: true });
    fake.script({ status: 429, body: { status: { error: "Too many requests" }, time: 0 }, headers: { "retry-after": "2" } });
    expect(await b.listSources(A).catch((e: unknown) => e)).toMatchObject({ code: "rag.backend_busy", retryable: true, retryAfterMs: 2000 });
    fake.script({ status: 400, body: { status: { error: "Wrong input: bad filter" }, time: 0 } });
    const rejected = await b.listSources(A).catch((e: unknown) => e);
    expect(rejected).toMatchObject({ code: "rag.backend_rejected", retryable: false });
    expect((rejected as Error).message).toContain("Wrong input: bad filter");
  });
});

describe("QdrantBackend: generations", () => {
  test("a replace writes a new generation, flips the record conditionally, then deletes the old one", async () => {
    const b = make();
    await b.upsertSource({ scope: A, meta: meta("g.md", "v1"), chunks: chunksOf("g.md", "first version text") });
    const name = created[created.length - 1];
    const oldGen = fake.points(name).find((p) => p.payload.kind === "chunk")?.payload.generation;
    fake.reset();
    await b.upsertSource({ scope: A, meta: meta("g.md", "v2"), chunks: chunksOf("g.md", "second version text") });
    const writes = fake.requests.filter((r) => r.method === "PUT" || r.path.endsWith("/delete")).map((r) => r.path.split("/").pop());
    // chunks, flip, token, delete the old generation, clear `retired` on the record
    expect(writes).toEqual(["points", "points", "points", "delete", "points"]);
    const flip = fake.requests.filter((r) => r.method === "PUT")[1]?.body as { update_filter?: unknown };
    expect(mustOf(flip.update_filter)).toContainEqual({ key: "generation", match: { value: oldGen } });
    const left = fake.points(name).filter((p) => p.payload.kind === "chunk");
    expect(left.map((p) => (p.payload.chunk as { text: string }).text)).toEqual(["second version text"]);
  });

  test("a reader never sees a mix or nothing while a source is replaced under it", async () => {
    const writer = make();
    const name = created[created.length - 1];
    const reader = make({ collection: name });
    const texts = (v: number) => [`alpha version${v}`, `beta version${v}`, `gamma version${v}`];
    await writer.upsertSource({ scope: A, meta: meta("r.md", "v0"), chunks: chunksOf("r.md", ...texts(0)) });
    const seen = new Set<string>();
    let writing = true;
    const replaces = (async () => {
      for (let v = 1; v <= 6; v++) await writer.upsertSource({ scope: A, meta: meta("r.md", `v${v}`), chunks: chunksOf("r.md", ...texts(v)) });
      writing = false;
    })();
    while (writing) {
      const hits = (await reader.search({ scope: A, query: "alpha beta gamma", k: 10 })).hits;
      const versions = new Set(hits.map((h) => h.chunk.text.split(" ")[1]));
      expect(hits).toHaveLength(3);
      expect(versions.size).toBe(1);
      seen.add([...versions][0] ?? "");
    }
    await replaces;
    expect(seen.size).toBeGreaterThan(1);
  });

  test("a deletion racing a reader's query is detected and the search runs again on the new generation", async () => {
    const writer = make();
    const name = created[created.length - 1];
    const reader = make({ collection: name });
    await writer.upsertSource({ scope: A, meta: meta("s.md", "v1"), chunks: chunksOf("s.md", "old stock levels") });
    expect((await reader.search({ scope: A, query: "stock" })).hits).toHaveLength(1);
    // The reader's query reaches Qdrant only after the writer flipped and deleted the old generation.
    const gate = fake.hold((r) => r.path === `/collections/${name}/points/query`);
    const pending = reader.search({ scope: A, query: "stock levels" });
    await gate.arrived;
    await writer.upsertSource({ scope: A, meta: meta("s.md", "v2"), chunks: chunksOf("s.md", "new stock levels") });
    gate.release();
    expect((await pending).hits.map((h) => h.chunk.text)).toEqual(["new stock levels"]);
  });

  test("of two concurrent replaces of one source exactly one wins; the loser cleans up and asks for a retry", async () => {
    const a = make();
    const name = created[created.length - 1];
    const b = make({ collection: name });
    await a.upsertSource({ scope: A, meta: meta("c.md", "v1"), chunks: chunksOf("c.md", "version one") });
    // Hold a's conditional flip until b has replaced the source completely.
    const gate = fake.hold((r) => r.method === "PUT" && r.path === `/collections/${name}/points` && r.body?.update_filter !== undefined);
    const loser = a.upsertSource({ scope: A, meta: meta("c.md", "v2"), chunks: chunksOf("c.md", "version two") }).catch((e: unknown) => e);
    await gate.arrived;
    expect(await b.upsertSource({ scope: A, meta: meta("c.md", "v3"), chunks: chunksOf("c.md", "version three") })).toEqual({ status: "changed", chunks: 1 });
    gate.release();
    expect(await loser).toMatchObject({ code: "rag.replace_conflict", retryable: true });
    const stored = fake.points(name).filter((p) => p.payload.kind === "chunk").map((p) => (p.payload.chunk as { text: string }).text);
    expect(stored).toEqual(["version three"]);
    expect((await a.listSources(A)).map((s) => s.hash)).toEqual(["v3"]);
    expect((await a.search({ scope: A, query: "version" })).hits.map((h) => h.chunk.text)).toEqual(["version three"]);
  });

  test("a replace interrupted after its flip is finished by the retry", async () => {
    const b = make();
    const name = created[created.length - 1];
    await b.upsertSource({ scope: A, meta: meta("i.md", "v1"), chunks: chunksOf("i.md", "first edition") });
    const isToken = (r: { method: string; body?: Record<string, unknown> }) =>
      r.method === "PUT" && JSON.stringify(r.body?.points ?? "").includes('"kind":"brand"');
    fake.script({ status: 503, body: { status: { error: "Service unavailable" }, time: 0 } }, isToken);
    const failed = await b.upsertSource({ scope: A, meta: meta("i.md", "v2"), chunks: chunksOf("i.md", "second edition") }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "rag.backend_failed", retryable: true });
    const texts = () => fake.points(name).filter((p) => p.payload.kind === "chunk").map((p) => (p.payload.chunk as { text: string }).text).sort();
    expect(texts()).toEqual(["first edition", "second edition"]);
    // Readers already see only the new generation: the flip happened.
    expect((await make({ collection: name }).search({ scope: A, query: "edition" })).hits.map((h) => h.chunk.text)).toEqual(["second edition"]);
    expect(await b.upsertSource({ scope: A, meta: meta("i.md", "v2"), chunks: chunksOf("i.md", "second edition") })).toEqual({ status: "unchanged", chunks: 1 });
    expect(texts()).toEqual(["second edition"]);
    expect(fake.points(name).find((p) => p.payload.kind === "source")?.payload.retired).toBeNull();
  });

  test("points of an unfinished or abandoned write are never read", async () => {
    const b = make();
    const name = created[created.length - 1];
    await b.upsertSource({ scope: A, meta: meta("u.md", "v1"), chunks: chunksOf("u.md", "live warranty terms") });
    // A writer that died after writing its chunks and before flipping the record.
    const [ghost] = chunksOf("u.md", "ghost warranty terms");
    const point = {
      id: chunkPointId(A, "u.md", "abandoned", 0),
      vector: { bm25: documentVector(analyzerFor("en").analyze(indexText(ghost))) },
      payload: chunkPayload(A, "abandoned", ghost),
    };
    const put = await fetch(`${fake.url}/collections/${name}/points?wait=true`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ points: [point] }) });
    expect(put.status).toBe(200);
    const hits = (await b.search({ scope: A, query: "warranty terms", k: 10 })).hits;
    expect(hits.map((h) => h.chunk.text)).toEqual(["live warranty terms"]);
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
    const avgdl = chunks.reduce((sum, c) => sum + analyzer.analyze(indexText(c)).length, 0) / chunks.length;
    const qdrant = make({ avgdl });
    const memory = new MemoryBackend(() => analyzerFor("en"));
    for (const b of [qdrant, memory]) await b.upsertSource({ scope: A, meta: meta("corpus.md", "v1"), chunks });
    for (const query of ["refund working days", "kettle boiling limescale", "gift cards expire", "damaged parcel photo refund refund"]) {
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
