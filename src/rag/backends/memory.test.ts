import { describe, expect, test } from "bun:test";
import { chunkDocument } from "../ingest/chunker";
import type { ParsedDocument } from "../ingest/types";
import { analyzerFor } from "../lexical/analyzer";
import { MemoryBackend } from "./memory";
import type { BrandScope, SourceMeta } from "./types";

// One heading per paragraph, so each paragraph is its own chunk.
const doc = (...paragraphs: string[]): ParsedDocument => ({
  sections: paragraphs.map((text, i) => ({ kind: "paragraph", text, headingPath: [`Part ${i + 1}`] })),
});
const meta = (source: string, hash: string): SourceMeta => ({ source, hash, format: "markdown", title: source });
const backend = () => new MemoryBackend(() => analyzerFor("en"));
const small = { maxTokens: 20, overlapTokens: 0 };

const A: BrandScope = { tenant_id: "ten_a", brand_id: "brd_shop" };
const B: BrandScope = { tenant_id: "ten_b", brand_id: "brd_shop" };

const upsert = (b: MemoryBackend, scope: BrandScope, source: string, hash: string, ...paragraphs: string[]) =>
  b.upsertSource({ scope, meta: meta(source, hash), chunks: chunkDocument(doc(...paragraphs), { source }, small) });

describe("MemoryBackend isolation", () => {
  test("two tenants with the same brand id and source name never see each other", async () => {
    const b = backend();
    await upsert(b, A, "faq.md", "h1", "Refunds take five days at shop A.");
    await upsert(b, B, "faq.md", "h1", "Refunds take ten days at shop B.");
    const hitsA = (await b.search({ scope: A, query: "refund days", k: 10 })).hits;
    expect(hitsA.map((h) => h.chunk.text)).toEqual(["Refunds take five days at shop A."]);
    expect(await b.removeSource(A, "faq.md")).toBe(true);
    expect((await b.search({ scope: A, query: "refund" })).hits).toEqual([]);
    expect((await b.search({ scope: B, query: "refund" })).hits).toHaveLength(1);
  });

  test("scope keys cannot be forged by embedding separators in ids", async () => {
    const b = backend();
    await upsert(b, { tenant_id: "t:x", brand_id: "y" }, "s.md", "h", "secret plan");
    expect((await b.search({ scope: { tenant_id: "t", brand_id: "x:y" }, query: "secret plan" })).hits).toEqual([]);
    expect((await b.search({ scope: { tenant_id: 't","x', brand_id: "y" }, query: "secret plan" })).hits).toEqual([]);
  });

  test("tenant_id and brand_id are required on every path", async () => {
    const b = backend();
    const bad = { tenant_id: "", brand_id: "brd" } as BrandScope;
    await expect(b.search({ scope: bad, query: "x" })).rejects.toThrow("tenant_id is missing or empty");
    await expect(b.listSources({ brand_id: "brd" } as BrandScope)).rejects.toThrow("tenant_id");
    await expect(upsert(b, { tenant_id: "t" } as BrandScope, "s", "h", "x")).rejects.toThrow("brand_id");
    await expect(b.removeSource(bad, "s")).rejects.toThrow();
  });
});

describe("MemoryBackend sources", () => {
  test("same hash is a no-op; a new hash replaces every chunk of the source", async () => {
    const b = backend();
    expect(await upsert(b, A, "a.md", "v1", "Old alpha text.", "Old beta text.")).toEqual({ status: "added", chunks: 2 });
    expect(await upsert(b, A, "a.md", "v1", "ignored because the hash is unchanged")).toEqual({ status: "unchanged", chunks: 2 });
    expect(await upsert(b, A, "a.md", "v2", "New gamma text.")).toEqual({ status: "changed", chunks: 1 });
    expect((await b.search({ scope: A, query: "old alpha beta" })).hits).toEqual([]);
    expect((await b.search({ scope: A, query: "gamma" })).hits.map((h) => h.chunk_id)).toEqual(["a.md#0"]);
    expect((await b.listSources(A)).map((s) => [s.source, s.hash])).toEqual([["a.md", "v2"]]);
    expect(await b.removeSource(A, "missing.md")).toBe(false);
  });

  test("a rejected replace leaves the old chunks searchable", async () => {
    const b = backend();
    const chunks = chunkDocument(doc("Kettle warranty is two years."), { source: "w.md" });
    await b.upsertSource({ scope: A, meta: meta("w.md", "v1"), chunks, embeddings: [[1, 0, 0]] });
    const bad = b.upsertSource({ scope: A, meta: meta("w.md", "v2"), chunks, embeddings: [[1, 0]] });
    await expect(bad).rejects.toThrow("3-dimensional");
    expect((await b.search({ scope: A, query: "warranty" })).hits).toHaveLength(1);
  });
});

describe("MemoryBackend search modes", () => {
  test("hybrid fuses BM25 and cosine; without a query vector it is lexical-only and says so", async () => {
    const b = backend();
    const chunks = chunkDocument(doc("Our kettles boil water fast.", "Descaling removes limescale.", "Opening hours are nine to five."), { source: "k.md" }, small);
    // The vectors make the third chunk the dense favourite for the query vector below.
    await b.upsertSource({ scope: A, meta: meta("k.md", "v1"), chunks, embeddings: [[1, 0], [0.9, 0.1], [0, 1]] });
    const lexical = await b.search({ scope: A, query: "descaling limescale" });
    expect(lexical.mode).toBe("lexical");
    expect(lexical.hits.map((h) => h.chunk_id)).toEqual(["k.md#1"]);
    const hybrid = await b.search({ scope: A, query: "descaling limescale", embedding: [0.1, 1] });
    expect(hybrid.mode).toBe("hybrid");
    expect(hybrid.hits[0].chunk_id).toBe("k.md#1");
    expect(hybrid.hits[0].lexical?.rank).toBe(1);
    expect(hybrid.hits[0].dense?.rank).toBe(2);
    expect(hybrid.hits[0].score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(hybrid.hits.map((h) => h.chunk_id)).toContain("k.md#2");
  });

  test("an unknown brand returns nothing rather than failing", async () => {
    expect((await backend().search({ scope: A, query: "anything" })).hits).toEqual([]);
  });
});
