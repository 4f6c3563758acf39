import { expect, test } from "bun:test";
import { backoffDelay } from "./backoff";

test("backoff doubles per attempt, is capped, and jitters within [exp/2, exp]", () => {
  expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
  expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
  expect(backoffDelay(4, 1000, 60_000, () => 1)).toBe(8000);
  expect(backoffDelay(30, 1000, 60_000, () => 1)).toBe(60_000);
  expect(backoffDelay(30, 1000, 60_000, () => 0)).toBe(30_000);
});
