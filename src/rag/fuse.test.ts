import { expect, test } from "bun:test";
import { reciprocalRankFusion } from "./fuse";

const ids = (...xs: string[]) => xs.map((id) => ({ id }));

test("scores are sums of 1/(60 + rank)", () => {
  const fused = reciprocalRankFusion([ids("a", "b", "c"), ids("b", "d")]);
  expect(fused.map((h) => h.id)).toEqual(["b", "a", "d", "c"]);
  expect(fused[0].score).toBeCloseTo(1 / 62 + 1 / 61, 15);
  expect(fused[1].score).toBeCloseTo(1 / 61, 15);
  expect(fused[3].score).toBeCloseTo(1 / 63, 15);
});

test("agreement of two lists beats a single first place", () => {
  const fused = reciprocalRankFusion([ids("solo", "both"), ids("x", "both")]);
  expect(fused[0].id).toBe("both");
});

test("a duplicate within one list counts once, at its best rank", () => {
  const fused = reciprocalRankFusion([ids("a", "a", "b")]);
  expect(fused.find((h) => h.id === "a")?.score).toBeCloseTo(1 / 61, 15);
  expect(fused.find((h) => h.id === "b")?.score).toBeCloseTo(1 / 63, 15);
});

test("ties go to the better best rank, and limit cuts the list", () => {
  const fused = reciprocalRankFusion([ids("a", "b"), ids("b", "a")], 60, 1);
  expect(fused).toHaveLength(1);
  expect(fused[0].id).toBe("a");
  expect(reciprocalRankFusion([])).toEqual([]);
});
