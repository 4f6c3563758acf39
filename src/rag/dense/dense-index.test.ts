import { describe, expect, test } from "bun:test";
import { DenseIndex } from "./dense-index";

describe("DenseIndex", () => {
  test("ranks by cosine, independent of vector length", () => {
    const index = new DenseIndex(3, 1);
    index.add("x", [1, 0, 0]);
    index.add("xy", [10, 10, 0]);
    index.add("z", [0, 0, 5]);
    const hits = index.search([2, 0.5, 0], 3);
    expect(hits.map((h) => h.id)).toEqual(["x", "xy", "z"]);
    expect(hits[0].score).toBeCloseTo(2 / Math.hypot(2, 0.5), 6);
    expect(hits[1].score).toBeCloseTo(2.5 / (Math.hypot(2, 0.5) * Math.SQRT2), 6);
    expect(hits[2].score).toBeCloseTo(0, 6);
  });

  test("remove keeps the other vectors findable (last row moves into the hole)", () => {
    const index = new DenseIndex(2, 2);
    index.add("a", [1, 0]);
    index.add("b", [0, 1]);
    index.add("c", [-1, 0]);
    expect(index.remove("a")).toBe(true);
    expect(index.remove("a")).toBe(false);
    expect(index.size).toBe(2);
    expect(index.search([-1, 0.1], 1)[0].id).toBe("c");
    expect(index.search([0.1, 1], 1)[0].id).toBe("b");
  });

  test("add with a known id replaces its vector", () => {
    const index = new DenseIndex(2);
    index.add("a", [1, 0]);
    index.add("b", [0.9, 0.1]);
    index.add("a", [0, 1]);
    expect(index.size).toBe(2);
    expect(index.search([1, 0], 1)[0].id).toBe("b");
  });

  test("rejects wrong dimensions and zero vectors", () => {
    const index = new DenseIndex(3);
    expect(() => index.add("a", [1, 2])).toThrow("2 dimensions, index expects 3");
    expect(() => index.add("a", [0, 0, 0])).toThrow("zero or non-finite");
    expect(() => index.search([NaN, 0, 1])).toThrow("non-finite");
  });

  test("matches brute force on random data at 1536 dims", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const index = new DenseIndex(1536, 4);
    const vectors = new Map<string, number[]>();
    for (let i = 0; i < 300; i++) {
      const v = Array.from({ length: 1536 }, rand);
      vectors.set(`v${i}`, v);
      index.add(`v${i}`, v);
    }
    const q = Array.from({ length: 1536 }, rand);
    const cos = (a: number[], b: number[]) => {
      let dot = 0,
        na = 0,
        nb = 0;
      for (let i = 0; i < a.length; i++) ((dot += a[i] * b[i]), (na += a[i] * a[i]), (nb += b[i] * b[i]));
      return dot / Math.sqrt(na * nb);
    };
    const expected = [...vectors]
      .map(([id, v]) => ({ id, s: cos(q, v) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 5);
    expect(index.search(q, 5).map((h) => h.id)).toEqual(expected.map((e) => e.id));
  });
});
