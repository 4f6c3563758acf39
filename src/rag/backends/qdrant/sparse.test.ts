import { describe, expect, test } from "bun:test";
import { documentVector, queryVector, termId } from "./sparse";

describe("sparse BM25 vectors", () => {
  test("term ids are 32-bit FNV-1a of the UTF-8 bytes (stable: stored vectors depend on them)", () => {
    expect(termId("")).toBe(0x811c9dc5);
    expect(termId("a")).toBe(0xe40c292c);
    expect(termId("foobar")).toBe(0xbf9cf968);
    expect(termId("café")).not.toBe(termId("cafe"));
  });

  test("document weights are BM25's tf saturation with length normalisation, sorted by id", () => {
    const params = { k1: 1.2, b: 0.75, avgdl: 4 };
    const vector = documentVector(["kettl", "boil", "kettl"], params);
    const norm = 1.2 * (1 - 0.75 + (0.75 * 3) / 4);
    const expected = new Map([
      [termId("kettl"), (2 * 2.2) / (2 + norm)],
      [termId("boil"), (1 * 2.2) / (1 + norm)],
    ]);
    expect(vector.indices).toEqual([...expected.keys()].sort((x, y) => x - y));
    vector.indices.forEach((id, i) => expect(vector.values[i]).toBeCloseTo(expected.get(id) ?? -1, 12));
  });

  test("longer documents weigh the same term less; b = 0 turns normalisation off", () => {
    const short = documentVector(["a", "b"], { k1: 1.2, b: 0.75, avgdl: 10 });
    const long = documentVector(["a", ...Array.from({ length: 30 }, (_, i) => `w${i}`)], {
      k1: 1.2,
      b: 0.75,
      avgdl: 10,
    });
    const weight = (v: { indices: number[]; values: number[] }) => v.values[v.indices.indexOf(termId("a"))];
    expect(weight(long)).toBeLessThan(weight(short));
    const flat = (terms: string[]) => weight(documentVector(terms, { k1: 1.2, b: 0, avgdl: 10 }));
    expect(flat(["a"])).toBeCloseTo(flat(["a", "x", "y", "z"]), 12);
  });

  test("query vectors count repeated terms; no terms gives an empty vector", () => {
    const vector = queryVector(["refund", "refund", "day"]);
    expect(vector.values[vector.indices.indexOf(termId("refund"))]).toBe(2);
    expect(vector.values[vector.indices.indexOf(termId("day"))]).toBe(1);
    expect(queryVector([])).toEqual({ indices: [], values: [] });
  });
});
