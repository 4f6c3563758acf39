import { expect, test } from "bun:test";
import { TokenBuckets } from "./rate-limit";

test("a bucket allows its burst, then refuses with the wait until the next token, and refills over time", () => {
  const b = new TokenBuckets({ capacity: 3, refillPerSecond: 0.5 });
  const t0 = 1_000_000;
  expect([b.take("v", t0), b.take("v", t0), b.take("v", t0)]).toEqual([0, 0, 0]);
  expect(b.take("v", t0)).toBe(2000);
  expect(b.take("other", t0)).toBe(0);
  expect(b.take("v", t0 + 1000)).toBe(1000);
  expect(b.take("v", t0 + 2000)).toBe(0);
  expect(b.take("v", t0 + 2000)).toBeGreaterThan(0);
});

test("full buckets are pruned once the key limit is passed", () => {
  const b = new TokenBuckets({ capacity: 1, refillPerSecond: 1, maxKeys: 10 });
  for (let i = 0; i < 10; i++) b.take(`k${i}`, 0);
  b.take("late", 60_000);
  expect(b.size).toBe(1);
});
