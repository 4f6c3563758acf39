import { describe, expect, test } from "bun:test";
import { retryAfterMs } from "./classify";
import { backoffDelayMs } from "./retry";

describe("backoffDelayMs", () => {
  const policy = { maxRetries: 10, baseDelayMs: 100, maxDelayMs: 1_000 };

  test("doubles per retry from half the step to the full step, capped", () => {
    expect([0, 1, 2, 3, 4, 8].map((n) => backoffDelayMs(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 8].map((n) => backoffDelayMs(n, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  test("jitter spreads clients: random draws give different delays within the bounds", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d >= 400 && d <= 800).toBe(true);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  test.each([
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after-ms": "12.4", "retry-after": "9" }, 13],
    [{ "retry-after": "2" }, 2_000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }, 3_000],
    [{ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after": "-1" }, undefined],
    [{ "retry-after-ms": "abc", "retry-after": "1" }, 1_000],
    [{}, undefined],
  ])("%j → %p", (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});
