import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startQdrantFake, type QdrantFake } from "./qdrant";

// The fake Qdrant must be as strict as the published schema (or stricter) and must really execute
// what it accepts; these tests talk to it over HTTP with hand-written bodies.
let fake: QdrantFake;
beforeAll(async () => {
  fake = await startQdrantFake();
  await send("PUT", "/collections/c", {
    vectors: { dense: { size: 2, distance: "Cosine" } },
    sparse_vectors: { bm25: { modifier: "idf" } },
  });
});
afterAll(() => fake.stop());

const send = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { status: unknown; time: number; result?: unknown },
  };
};
const result = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const answer = await send(method, path, body);
  expect(answer.status).toBe(200);
  expect(answer.body.status).toBe("ok");
  return answer.body.result as T;
};

type Hit = { id: string | number; version: number; score: number; payload?: Record<string, unknown> };
const query = async (body: Record<string, unknown>) =>
  (await result<{ points: Hit[] }>("POST", "/collections/c/points/query", body)).points;

describe("fake qdrant rejects what the OpenAPI document does not allow", () => {
  const invalid: [string, string, string, unknown, RegExp][] = [
    ["misspelt field", "POST", "/collections/c/points/scroll", { limt: 3 }, /unknown field "limt"/],
    ["wrong type", "POST", "/collections/c/points/scroll", { limit: "3" }, /limit: expected integer/],
    ["below minimum", "POST", "/collections/c/points/scroll", { limit: 0 }, /below minimum 1/],
    [
      "unknown filter key (additionalProperties: false)",
      "POST",
      "/collections/c/points/count",
      { filter: { and: [] } },
      /unknown field "and"/,
    ],
    [
      "match without a known variant",
      "POST",
      "/collections/c/points/count",
      { filter: { must: [{ key: "a", match: { equals: "x" } }] } },
      /must\[0\]\.match/,
    ],
    [
      "enum outside its values",
      "PUT",
      "/collections/d",
      { sparse_vectors: { s: { modifier: "bm25" } } },
      /modifier: must be one of none, idf/,
    ],
    [
      "missing required field",
      "PUT",
      "/collections/c/points",
      { points: [{ id: 1 }] },
      /missing required field "vector"/,
    ],
    [
      "point id neither uint nor uuid",
      "PUT",
      "/collections/c/points",
      { points: [{ id: "chunk-1", vector: {} }] },
      /points\[0\]\.id/,
    ],
    [
      "negative sparse index (uint32)",
      "POST",
      "/collections/c/points/query",
      { query: { indices: [-1], values: [1] }, using: "bm25" },
      /out of range for uint32/,
    ],
    [
      "fusion outside its enum",
      "POST",
      "/collections/c/points/query",
      { prefetch: [], query: { fusion: "sum" } },
      /fusion: must be one of rrf, dbsf/,
    ],
    ["body that is not JSON", "POST", "/collections/c/points/scroll", "{limit:", /not JSON/],
  ];
  for (const [label, method, path, body, message] of invalid) {
    test(`${label} → 400 with Qdrant's error body`, async () => {
      const before = (await result<{ points: unknown[] }>("POST", "/collections/c/points/scroll", {})).points.length;
      const answer = await send(method, path, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        status: { error: expect.stringMatching(message) },
        time: expect.any(Number),
      });
      expect((await result<{ points: unknown[] }>("POST", "/collections/c/points/scroll", {})).points).toHaveLength(
        before,
      );
    });
  }

  test("query parameters must be declared by the operation and typed", async () => {
    expect((await send("PUT", "/collections/c/points?wait=maybe", { points: [] })).status).toBe(400);
    expect((await send("PUT", "/collections/c/points?wiat=true", { points: [] })).status).toBe(400);
    expect((await send("PUT", "/collections/c/points?wait=true", { points: [] })).status).toBe(200);
  });

  test("unknown paths and collections are 404, a second create is a conflict", async () => {
    expect((await send("GET", "/collections/c/nothing-here")).status).toBe(404);
    const missing = await send("POST", "/collections/nope/points/scroll", {});
    expect(missing.status).toBe(404);
    expect(missing.body.status).toEqual({ error: "Not found: Collection `nope` doesn't exist!" });
    expect((await send("PUT", "/collections/c", {})).status).toBe(409);
  });

  test("vectors must fit the collection", async () => {
    const wrongDims = await send("PUT", "/collections/c/points", { points: [{ id: 9, vector: { dense: [1, 2, 3] } }] });
    expect(wrongDims.status).toBe(400);
    expect(wrongDims.body.status).toEqual({ error: "Wrong input: Vector dimension error: expected dim: 2, got 3" });
    expect(
      (await send("PUT", "/collections/c/points", { points: [{ id: 9, vector: { other: [1, 2] } }] })).status,
    ).toBe(400);
    expect(
      (
        await send("PUT", "/collections/c/points", {
          points: [{ id: 9, vector: { bm25: { indices: [1, 1], values: [1, 2] } } }],
        })
      ).status,
    ).toBe(422);
  });
});

describe("fake qdrant executes what it accepts", () => {
  const doc = (id: number, tenant: string, dense: number[], terms: number[], extra: Record<string, unknown> = {}) => ({
    id,
    vector: { dense, bm25: { indices: terms, values: terms.map(() => 1) } },
    payload: { tenant_id: tenant, ...extra },
  });

  beforeAll(async () => {
    await result("PUT", "/collections/c/points?wait=true", {
      points: [
        doc(1, "a", [1, 0], [10, 11], { tags: ["x", "y"] }),
        doc(2, "a", [0, 1], [10]),
        doc(3, "b", [1, 1], [10, 12]),
        doc(4, "a", [1, 0.1], [12]),
      ],
    });
  });

  test("filters: must, should, must_not, match value / any / except, arrays, has_id", async () => {
    const count = async (filter: unknown) =>
      (await result<{ count: number }>("POST", "/collections/c/points/count", { filter })).count;
    expect(await count({ must: [{ key: "tenant_id", match: { value: "a" } }] })).toBe(3);
    expect(await count({ must: { key: "tenant_id", match: { value: "a" } }, must_not: [{ has_id: [2] }] })).toBe(2);
    expect(
      await count({
        should: [
          { key: "tags", match: { value: "y" } },
          { key: "tenant_id", match: { value: "b" } },
        ],
      }),
    ).toBe(2);
    expect(await count({ must: [{ key: "tenant_id", match: { any: ["a", "b"] } }] })).toBe(4);
    expect(await count({ must: [{ key: "tenant_id", match: { except: ["a"] } }] })).toBe(1);
    expect(await count({ must: [{ must_not: [{ key: "tenant_id", match: { value: "a" } }] }] })).toBe(1);
  });

  test("sparse search is a dot product with Qdrant's IDF and returns only overlapping points", async () => {
    const hits = await query({ query: { indices: [11], values: [2] }, using: "bm25", with_payload: false });
    // Term 11 is held by 1 of 4 points: idf = ln(1 + (4 - 1 + 0.5) / (1 + 0.5)).
    expect(hits).toEqual([
      { id: 1, version: expect.any(Number), score: expect.closeTo(2 * Math.log(1 + 3.5 / 1.5), 6) },
    ]);
  });

  test("dense search is cosine, the filter applies inside the search", async () => {
    const hits = await query({
      query: [1, 0],
      using: "dense",
      filter: { must: [{ key: "tenant_id", match: { value: "a" } }] },
      limit: 2,
    });
    expect(hits.map((h) => h.id)).toEqual([1, 4]);
    expect(hits[1].score).toBeCloseTo(1 / Math.sqrt(1.01), 6);
  });

  test("prefetch + rrf fuses by position (k = 2 by default) and the outer filter reaches the prefetches", async () => {
    const prefetch = [
      { query: { indices: [10, 12], values: [1, 1] }, using: "bm25", limit: 10 },
      { query: [0, 1], using: "dense", limit: 10 },
    ];
    const tenantA = { must: [{ key: "tenant_id", match: { value: "a" } }] };
    const fused = await query({ prefetch, query: { fusion: "rrf" }, filter: tenantA, with_payload: true });
    expect(fused.map((h) => h.id)).not.toContain(3);
    expect(fused.every((h) => h.payload?.tenant_id === "a")).toBe(true);
    const top = fused[0];
    const sparseRank = (await query({ ...prefetch[0], filter: tenantA })).findIndex((h) => h.id === top.id);
    const denseRank = (await query({ ...prefetch[1], filter: tenantA })).findIndex((h) => h.id === top.id);
    expect(top.score).toBeCloseTo(1 / (2 + sparseRank) + 1 / (2 + denseRank), 6);
    const k61 = await query({ prefetch, query: { rrf: { k: 61 } }, filter: tenantA });
    expect(k61[0].score).toBeCloseTo(1 / (61 + sparseRank) + 1 / (61 + denseRank), 6);
  });

  test("scroll pages by id with next_page_offset; payload selection", async () => {
    const first = await result<{
      points: { id: number; payload?: Record<string, unknown> }[];
      next_page_offset: number | null;
    }>("POST", "/collections/c/points/scroll", { limit: 3, with_payload: ["tenant_id"] });
    expect(first.points.map((p) => p.id)).toEqual([1, 2, 3]);
    expect(first.points[0].payload).toEqual({ tenant_id: "a" });
    const rest = await result<{ points: { id: number }[]; next_page_offset: number | null }>(
      "POST",
      "/collections/c/points/scroll",
      { limit: 3, offset: first.next_page_offset, with_payload: false },
    );
    expect(rest.points.map((p) => p.id)).toEqual([4]);
    expect(rest.next_page_offset).toBeNull();
  });

  test("upsert honours update_filter and update_mode; delete by filter removes exactly the matches", async () => {
    const marker = (id: number, gen: string) => ({ id, vector: {}, payload: { tenant_id: "m", gen } });
    await result("PUT", "/collections/c/points", { points: [marker(50, "g1")] });
    await result("PUT", "/collections/c/points", {
      points: [marker(50, "g2")],
      update_filter: { must: [{ key: "gen", match: { value: "other" } }] },
    });
    await result("PUT", "/collections/c/points", { points: [marker(50, "g3")], update_mode: "insert_only" });
    const gen = async () =>
      (
        await result<{ points: { payload: { gen: string } }[] }>("POST", "/collections/c/points/scroll", {
          filter: { must: [{ key: "tenant_id", match: { value: "m" } }] },
        })
      ).points[0]?.payload.gen;
    expect(await gen()).toBe("g1");
    await result("PUT", "/collections/c/points", {
      points: [marker(50, "g4")],
      update_filter: { must: [{ key: "gen", match: { value: "g1" } }] },
    });
    expect(await gen()).toBe("g4");
    await result("POST", "/collections/c/points/delete?wait=true", {
      filter: { must: [{ key: "tenant_id", match: { value: "m" } }] },
    });
    expect(await gen()).toBeUndefined();
    expect((await result<{ count: number }>("POST", "/collections/c/points/count", {})).count).toBe(4);
  });

  test("collection info, existence and payload indexes answer in the spec's shapes", async () => {
    await result("PUT", "/collections/c/index", {
      field_name: "tenant_id",
      field_schema: { type: "keyword", is_tenant: true },
    });
    const info = await result<{
      config: { params: { sparse_vectors: unknown } };
      payload_schema: Record<string, unknown>;
    }>("GET", "/collections/c");
    expect(info.config.params.sparse_vectors).toEqual({ bm25: { modifier: "idf" } });
    expect(info.payload_schema.tenant_id).toEqual({
      data_type: "keyword",
      params: { type: "keyword", is_tenant: true },
      points: 4,
    });
    expect(await result("GET", "/collections/c/exists")).toEqual({ exists: true });
    expect(await result("GET", "/collections/zzz/exists")).toEqual({ exists: false });
    expect(fake.validate("CollectionInfo", info)).toBeNull();
  });
});
