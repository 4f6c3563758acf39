/**
 * The retrieval backend contract as one suite, run by every implementation's test file
 * (memory.test.ts, qdrant/qdrant-backend.test.ts, and the Postgres backend's): isolation,
 * atomic replace, idempotency, degradation to lexical-only. Like channels/conformance.ts it lives
 * beside the code (not in test/) so backends in this room can import it.
 *
 * `create` gets the analyzer to use and must return a fresh, empty backend whose dense vectors
 * (if it has any) are `CONTRACT_DIMS`-dimensional.
 */
import { describe, expect, test } from "bun:test";
import { chunkDocument } from "../ingest/chunker";
import type { ParsedDocument } from "../ingest/types";
import { analyzerFor } from "../lexical/analyzer";
import type { AnalyzerForScope } from "./memory";
import type { BrandScope, RetrievalBackend, SourceMeta } from "./types";

export const CONTRACT_DIMS = 3;
export type BackendFactory = (analyzer: AnalyzerForScope) => Promise<RetrievalBackend>;

// One heading per paragraph, so each paragraph is its own chunk.
const doc = (...paragraphs: string[]): ParsedDocument => ({
  sections: paragraphs.map((text, i) => ({ kind: "paragraph", text, headingPath: [`Part ${i + 1}`] })),
});
const meta = (source: string, hash: string): SourceMeta => ({ source, hash, format: "markdown", title: source });
const small = { maxTokens: 20, overlapTokens: 0 };

const A: BrandScope = { tenant_id: "ten_a", brand_id: "brd_shop" };
const B: BrandScope = { tenant_id: "ten_b", brand_id: "brd_shop" };

const upsert = (b: RetrievalBackend, scope: BrandScope, source: string, hash: string, ...paragraphs: string[]) =>
  b.upsertSource({ scope, meta: meta(source, hash), chunks: chunkDocument(doc(...paragraphs), { source }, small) });

export const retrievalBackendContract = (label: string, create: BackendFactory): void => {
  const backend = () => create(() => analyzerFor("en"));

  describe(`${label}: isolation`, () => {
    test("two tenants with the same brand id and source name never see each other", async () => {
      const b = await backend();
      await upsert(b, A, "faq.md", "h1", "Refunds take five days at shop A.");
      await upsert(b, B, "faq.md", "h1", "Refunds take ten days at shop B.");
      const hitsA = (await b.search({ scope: A, query: "refund days", k: 10 })).hits;
      expect(hitsA.map((h) => h.chunk.text)).toEqual(["Refunds take five days at shop A."]);
      expect((await b.listSources(B)).map((s) => s.hash)).toEqual(["h1"]);
      expect(await b.removeSource(A, "faq.md")).toBe(true);
      expect((await b.search({ scope: A, query: "refund" })).hits).toEqual([]);
      expect((await b.search({ scope: B, query: "refund" })).hits).toHaveLength(1);
      expect(await b.listSources(A)).toEqual([]);
    });

    test("the same tenant's other brand is just as invisible", async () => {
      const b = await backend();
      await upsert(b, { tenant_id: "ten_a", brand_id: "brd_other" }, "faq.md", "h1", "Secret wholesale prices.");
      expect((await b.search({ scope: A, query: "secret wholesale prices", k: 50 })).hits).toEqual([]);
      expect(await b.removeSource(A, "faq.md")).toBe(false);
    });

    test("scope keys cannot be forged by embedding separators in ids", async () => {
      const b = await backend();
      await upsert(b, { tenant_id: "t:x", brand_id: "y" }, "s.md", "h", "secret plan");
      expect((await b.search({ scope: { tenant_id: "t", brand_id: "x:y" }, query: "secret plan" })).hits).toEqual([]);
      expect((await b.search({ scope: { tenant_id: 't","x', brand_id: "y" }, query: "secret plan" })).hits).toEqual([]);
      for (const tenant_id of ["*", ".*", "t:x ", "T:X", '{"any":["t:x"]}']) {
        expect((await b.search({ scope: { tenant_id, brand_id: "y" }, query: "secret plan" })).hits).toEqual([]);
      }
    });

    test("crafted query texts and source names do not widen a search", async () => {
      const b = await backend();
      await upsert(b, B, "prices.md", "h", "Secret supplier prices for tenant b.");
      await upsert(b, A, '", "tenant_id": "ten_b', "h", "Public opening hours.");
      const crafted = [
        '{"must": [], "tenant_id": "ten_b"} secret supplier prices hours',
        "ten_b brd_shop secret OR 1=1 hours",
        "* secret* prices hours",
      ];
      for (const query of crafted) {
        const hits = (await b.search({ scope: A, query, k: 50, embedding: [1, 1, 1] })).hits;
        expect(hits.map((h) => h.chunk.text)).toEqual(["Public opening hours."]);
      }
      expect((await b.search({ scope: B, query: "secret supplier" })).hits).toHaveLength(1);
    });

    test("tenant_id and brand_id are required on every path", async () => {
      const b = await backend();
      const bad = { tenant_id: "", brand_id: "brd" } as BrandScope;
      await expect(b.search({ scope: bad, query: "x" })).rejects.toThrow("tenant_id is missing or empty");
      await expect(b.listSources({ brand_id: "brd" } as BrandScope)).rejects.toThrow("tenant_id");
      await expect(upsert(b, { tenant_id: "t" } as BrandScope, "s", "h", "x")).rejects.toThrow("brand_id");
      await expect(b.removeSource(bad, "s")).rejects.toThrow();
    });
  });

  describe(`${label}: sources`, () => {
    test("same hash is a no-op; a new hash replaces every chunk of the source", async () => {
      const b = await backend();
      expect(await upsert(b, A, "a.md", "v1", "Old alpha text.", "Old beta text.")).toEqual({
        status: "added",
        chunks: 2,
      });
      expect(await upsert(b, A, "a.md", "v1", "ignored because the hash is unchanged")).toEqual({
        status: "unchanged",
        chunks: 2,
      });
      expect(await upsert(b, A, "a.md", "v2", "New gamma text.")).toEqual({ status: "changed", chunks: 1 });
      expect((await b.search({ scope: A, query: "old alpha beta" })).hits).toEqual([]);
      expect((await b.search({ scope: A, query: "gamma" })).hits.map((h) => h.chunk_id)).toEqual(["a.md#0"]);
      expect((await b.listSources(A)).map((s) => [s.source, s.hash])).toEqual([["a.md", "v2"]]);
      expect(await b.removeSource(A, "missing.md")).toBe(false);
    });

    test("a rejected replace leaves the old chunks searchable", async () => {
      const b = await backend();
      const chunks = chunkDocument(doc("Kettle warranty is two years."), { source: "w.md" });
      await b.upsertSource({ scope: A, meta: meta("w.md", "v1"), chunks, embeddings: [[1, 0, 0]] });
      const bad = b.upsertSource({ scope: A, meta: meta("w.md", "v2"), chunks, embeddings: [[1, 0]] });
      await expect(bad).rejects.toThrow("3-dimensional");
      expect((await b.search({ scope: A, query: "warranty" })).hits).toHaveLength(1);
      expect((await b.listSources(A)).map((s) => s.hash)).toEqual(["v1"]);
    });
  });

  describe(`${label}: search modes`, () => {
    test("hybrid fuses BM25 and cosine; without a query vector it is lexical-only and says so", async () => {
      const b = await backend();
      const chunks = chunkDocument(
        doc("Our kettles boil water fast.", "Descaling removes limescale.", "Opening hours are nine to five."),
        { source: "k.md" },
        small,
      );
      // The vectors make the third chunk the dense favourite for the query vector below.
      await b.upsertSource({
        scope: A,
        meta: meta("k.md", "v1"),
        chunks,
        embeddings: [
          [1, 0, 0],
          [0.9, 0.1, 0],
          [0, 1, 0],
        ],
      });
      const lexical = await b.search({ scope: A, query: "descaling limescale" });
      expect(lexical.mode).toBe("lexical");
      expect(lexical.hits.map((h) => h.chunk_id)).toEqual(["k.md#1"]);
      expect(lexical.hits[0].lexical?.rank).toBe(1);
      const hybrid = await b.search({ scope: A, query: "descaling limescale", embedding: [0.1, 1, 0] });
      expect(hybrid.mode).toBe("hybrid");
      expect(hybrid.hits[0].chunk_id).toBe("k.md#1");
      expect(hybrid.hits[0].lexical?.rank).toBe(1);
      expect(hybrid.hits[0].dense?.rank).toBe(2);
      expect(hybrid.hits[0].score).toBeCloseTo(1 / 61 + 1 / 62, 6);
      expect(hybrid.hits.map((h) => h.chunk_id)).toContain("k.md#2");
      expect(hybrid.hits.find((h) => h.chunk_id === "k.md#2")?.dense?.rank).toBe(1);
    });

    test("a brand without vectors answers hybrid requests lexically", async () => {
      const b = await backend();
      await upsert(b, A, "plain.md", "v1", "Gift cards never expire.");
      const result = await b.search({ scope: A, query: "gift cards", embedding: [0, 0, 1] });
      expect(result.mode).toBe("lexical");
      expect(result.hits.map((h) => h.chunk.text)).toEqual(["Gift cards never expire."]);
    });

    test("an unknown brand returns nothing rather than failing", async () => {
      expect((await (await backend()).search({ scope: A, query: "anything" })).hits).toEqual([]);
    });
  });
};
