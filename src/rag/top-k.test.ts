import { expect, test } from "bun:test";
import { TopK } from "./top-k";

test("keeps exactly the k best of a random stream, best first, ties to the smaller slot", () => {
  let seed = 1;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const scores = Array.from({ length: 5000 }, () => Math.round(rand() * 500) / 10);
  const top = new TopK(25);
  scores.forEach((score, slot) => top.push(slot, score));
  const expected = scores
    .map((score, slot) => ({ slot, score }))
    .sort((a, b) => b.score - a.score || a.slot - b.slot)
    .slice(0, 25);
  expect(top.sorted()).toEqual(expected);
});

test("fewer candidates than k, and k = 0", () => {
  const top = new TopK(10);
  top.push(3, 1);
  top.push(1, 2);
  expect(top.sorted()).toEqual([
    { slot: 1, score: 2 },
    { slot: 3, score: 1 },
  ]);
  const none = new TopK(0);
  none.push(1, 5);
  expect(none.sorted()).toEqual([]);
});
