import { describe, expect, test } from "bun:test";
import { evaluateRun, mrrAt, ndcgAt, rankRun, recallAt } from "./metrics";
import type { Run } from "./metrics";
import type { Qrels } from "./beir";

const judged = (pairs: Record<string, number>) => new Map(Object.entries(pairs));

describe("per-query metrics", () => {
  test("nDCG@10 with graded gains, by hand", () => {
    // Ranked: x (0), a (2), y (0), b (1). DCG = 2/log2(3) + 1/log2(5); IDCG = 2/1 + 1/log2(3).
    const value = ndcgAt(["x", "a", "y", "b"], judged({ a: 2, b: 1, z: 0 }), 10);
    expect(value).toBeCloseTo((2 / Math.log2(3) + 1 / Math.log2(5)) / (2 + 1 / Math.log2(3)), 12);
  });

  test("nDCG cut-off ignores ranks past k, and the ideal list is cut too", () => {
    const ranked = Array.from({ length: 12 }, (_, i) => `n${i}`).concat("a");
    expect(ndcgAt(ranked, judged({ a: 1 }), 10)).toBe(0);
    expect(ndcgAt(["a"], judged({ a: 1, b: 1 }), 1)).toBe(1);
  });

  test("Recall@k counts relevant found over all relevant", () => {
    expect(recallAt(["a", "x", "b"], judged({ a: 1, b: 1, c: 1, d: 0 }), 100)).toBeCloseTo(2 / 3, 12);
    expect(recallAt(["x", "a"], judged({ a: 1 }), 1)).toBe(0);
  });

  test("MRR@10 is the reciprocal rank of the first relevant document", () => {
    expect(mrrAt(["x", "y", "a", "b"], judged({ a: 1, b: 1 }), 10)).toBeCloseTo(1 / 3, 12);
    expect(mrrAt(["x", "y", "a"], judged({ a: 1 }), 2)).toBe(0);
  });

  test("ties are ordered by document id descending, as trec_eval does", () => {
    expect(
      rankRun(
        new Map([
          ["a", 1],
          ["c", 1],
          ["b", 2],
        ]),
      ),
    ).toEqual(["b", "c", "a"]);
  });
});

test("evaluateRun averages over judged queries; a query without results scores 0", () => {
  const qrels: Qrels = new Map([
    ["q1", judged({ d1: 1 })],
    ["q2", judged({ d2: 1 })],
    ["q3", judged({ d9: 0 })],
  ]);
  const run: Run = new Map([
    [
      "q1",
      new Map([
        ["d1", 3],
        ["d5", 1],
      ]),
    ],
  ]);
  const m = evaluateRun(run, qrels);
  expect(m.queries).toBe(2);
  expect(m.ndcg_at_10).toBeCloseTo(0.5, 12);
  expect(m.recall_at_100).toBeCloseTo(0.5, 12);
  expect(m.mrr_at_10).toBeCloseTo(0.5, 12);
});
