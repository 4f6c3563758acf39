import { describe, expect, test } from "bun:test";
import { createEnglishAnalyzer, createGenericAnalyzer } from "./analyzer";
import { Bm25Index } from "./bm25-index";

const tiny = (params = { k1: 1.2, b: 0.75 }) => {
  const index = new Bm25Index(createGenericAnalyzer(), params);
  index.add("d1", "apple banana");
  index.add("d2", "apple apple cherry");
  index.add("d3", "cherry date elder fig");
  return index;
};

const scoreOf = (index: Bm25Index, query: string, id: string) =>
  index.search(query, 10).find((h) => h.id === id)?.score;

describe("Bm25Index scoring", () => {
  test("matches BM25 computed by hand", () => {
    // N = 3, avgdl = 3, df(apple) = 2 → idf = ln(1 + 1.5/2.5) = ln 1.6.
    // d1: tf 1, |d| 2 → 1·2.2 / (1 + 1.2·(0.25 + 0.75·2/3)) = 2.2/1.9
    // d2: tf 2, |d| 3 → 2·2.2 / (2 + 1.2·(0.25 + 0.75)) = 4.4/3.2
    const index = tiny();
    const hits = index.search("apple", 10);
    expect(hits.map((h) => h.id)).toEqual(["d2", "d1"]);
    expect(hits[0].score).toBeCloseTo(Math.log(1.6) * (4.4 / 3.2), 12);
    expect(hits[1].score).toBeCloseTo(Math.log(1.6) * (2.2 / 1.9), 12);
  });

  test("a rare term outweighs a common one (IDF)", () => {
    // date: df 1 → ln(1 + 2.5/1.5); apple: df 2 → ln 1.6. d3 is longer than d1 and still wins.
    const index = tiny();
    const hits = index.search("apple date", 10);
    expect(hits[0].id).toBe("d3");
    expect(hits[0].score).toBeCloseTo(Math.log(1 + 2.5 / 1.5) * (2.2 / (1 + 1.2 * (0.25 + 0.75 * (4 / 3)))), 12);
  });

  test("longer documents are normalised down, and not at all with b = 0", () => {
    const docs = { short: "refund policy", long: "refund policy shipping returns exchanges warranty support hours" };
    const normalised = new Bm25Index(createGenericAnalyzer(), { k1: 1.2, b: 0.75 });
    const flat = new Bm25Index(createGenericAnalyzer(), { k1: 1.2, b: 0 });
    for (const [id, text] of Object.entries(docs)) {
      normalised.add(id, text);
      flat.add(id, text);
    }
    normalised.add("other", "unrelated words");
    flat.add("other", "unrelated words");
    expect(scoreOf(normalised, "refund", "short")).toBeGreaterThan(scoreOf(normalised, "refund", "long") ?? Infinity);
    expect(scoreOf(flat, "refund", "short")).toBeCloseTo(scoreOf(flat, "refund", "long") ?? 0, 12);
  });

  test("term frequency saturates with k1", () => {
    const index = new Bm25Index(createGenericAnalyzer(), { k1: 1.2, b: 0 });
    index.add("one", "tea");
    index.add("ten", Array(10).fill("tea").join(" "));
    index.add("none", "coffee");
    const one = scoreOf(index, "tea", "one") ?? 0;
    const ten = scoreOf(index, "tea", "ten") ?? 0;
    expect(ten / one).toBeCloseTo(10 / (10 + 1.2) / (1 / (1 + 1.2)), 12);
    expect(ten / one).toBeLessThan(2.2);
  });

  test("queries go through the analyzer: stems meet", () => {
    const index = new Bm25Index(createEnglishAnalyzer());
    index.add("a", "We ship orders daily");
    index.add("b", "Opening hours are nine to five");
    expect(index.search("when is my order shipped?", 5).map((h) => h.id)).toEqual(["a"]);
    expect(index.search("the of and", 5)).toEqual([]);
  });

  test("k limits the result and ties keep insertion order", () => {
    const index = new Bm25Index(createGenericAnalyzer());
    for (let i = 0; i < 20; i++) index.add(`d${i}`, "same text");
    expect(index.search("same", 3).map((h) => h.id)).toEqual(["d0", "d1", "d2"]);
  });
});

describe("Bm25Index updates", () => {
  const scores = (index: Bm25Index, q: string) => index.search(q, 100).map((h) => [h.id, h.score.toFixed(12)]);

  test("remove and replace update IDF and avgdl exactly, like a fresh build", () => {
    const index = tiny();
    index.remove("d3");
    index.add("d1", "banana banana kiwi");
    const fresh = new Bm25Index(createGenericAnalyzer(), { k1: 1.2, b: 0.75 });
    fresh.add("d2", "apple apple cherry");
    fresh.add("d1", "banana banana kiwi");
    for (const q of ["apple", "banana", "cherry kiwi", "fig"]) expect(scores(index, q)).toEqual(scores(fresh, q));
    expect(index.size).toBe(2);
    expect(index.remove("nope")).toBe(false);
    expect(index.search("fig", 10)).toEqual([]);
  });

  test("after many removals compaction reclaims postings and results stay identical", () => {
    const index = new Bm25Index(createGenericAnalyzer());
    const fresh = new Bm25Index(createGenericAnalyzer());
    for (let i = 0; i < 3000; i++) index.add(`d${i}`, `common t${i % 97} u${i % 13} v${i}`);
    for (let i = 0; i < 3000; i += 2) index.remove(`d${i}`);
    for (let i = 1; i < 3000; i += 2) fresh.add(`d${i}`, `common t${i % 97} u${i % 13} v${i}`);
    expect(index.stats().dead_postings).toBeLessThan(6000);
    index.compact();
    expect(index.stats().dead_postings).toBe(0);
    expect(index.stats().postings).toBe(fresh.stats().postings);
    for (const q of ["common", "t5 u3", "v2999 v1", "v2"]) expect(scores(index, q)).toEqual(scores(fresh, q));
    // Term ids freed by compaction are reused without clobbering live terms.
    index.add("new", "brandnew common");
    expect(index.search("brandnew", 5).map((h) => h.id)).toEqual(["new"]);
    expect(index.search("t5", 100).length).toBe(fresh.search("t5", 100).length);
  });

  test("rejects nonsensical parameters", () => {
    expect(() => new Bm25Index(createGenericAnalyzer(), { b: 1.5 })).toThrow("BM25 needs");
  });
});
