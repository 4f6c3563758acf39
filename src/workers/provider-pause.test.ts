import { describe, expect, test } from "bun:test";
import { sendRejected, sendRetryable } from "../channels";
import { ProviderPauses } from "./provider-pause";

const clock = () => {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
};

describe("ProviderPauses", () => {
  test("a 429's Retry-After pauses the whole channel until then; then one probe, the others wait for it", () => {
    const c = clock();
    const pauses = new ProviderPauses(c.now);
    expect(pauses.admit("chn_a")).toBe(0);
    expect(
      pauses.settle(
        "chn_a",
        sendRetryable("Too Many Requests: retry after 3", { reason: "rate_limited", retryAfterMs: 3_000 }),
      ),
    ).toBe(3_000);
    expect(pauses.admit("chn_a")).toBe(3_000);
    expect(pauses.admit("chn_b")).toBe(0); // other channels are not held
    expect(pauses.holding("chn_a")).toBe(true);
    c.t += 2_000;
    expect(pauses.admit("chn_a")).toBe(1_000);
    c.t += 1_000;
    expect(pauses.admit("chn_a")).toBe(0); // the probe
    expect(pauses.admit("chn_a")).toBe(1_000); // the rest wait for its answer: a quarter of the last wait, at least 1 s
    expect(pauses.holding("chn_a")).toBe(true);
    pauses.settle("chn_a");
    expect(pauses.admit("chn_a")).toBe(0);
    expect(pauses.admit("chn_a")).toBe(0);
    expect(pauses.holding("chn_a")).toBe(false);
  });

  test("outages without a hint back off further per consecutive failure, capped", () => {
    const c = clock();
    const pauses = new ProviderPauses(c.now);
    const down = sendRetryable("provider answered HTTP 500", { reason: "unavailable" });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      waits.push(pauses.settle("chn_a", down, () => 1));
      c.t += waits.at(-1)!;
      expect(pauses.admit("chn_a")).toBe(0); // the next probe
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000]);
  });

  test("a probe that failed gives the channel back to the pause; one that never reported back expires", () => {
    const c = clock();
    const pauses = new ProviderPauses(c.now);
    pauses.settle("chn_a", sendRetryable("timeout", { reason: "timeout", retryAfterMs: 1_000 }));
    c.t += 1_000;
    expect(pauses.admit("chn_a")).toBe(0);
    pauses.release("chn_a"); // the probe had nothing to send after all
    expect(pauses.admit("chn_a")).toBe(0);
    c.t += 40_000; // that probe's job died without a word
    expect(pauses.admit("chn_a")).toBe(0);
  });

  test("answers about one payload or one recipient lift the pause; shutdown aborts and unknown errors leave it", () => {
    const c = clock();
    const pauses = new ProviderPauses(c.now);
    const limited = sendRetryable("Rate limit hit", { reason: "rate_limited", retryAfterMs: 5_000 });
    pauses.settle("chn_a", limited);
    expect(pauses.settle("chn_a", sendRetryable("aborted", { reason: "aborted" }))).toBe(0);
    expect(pauses.settle("chn_a", new Error("store gone"))).toBe(0);
    expect(pauses.admit("chn_a")).toBe(5_000);
    expect(
      pauses.settle(
        "chn_a",
        sendRetryable("pair rate limit", { reason: "rate_limited", retryAfterMs: 6_000, scope: "recipient" }),
      ),
    ).toBe(0);
    expect(pauses.admit("chn_a")).toBe(0);
    pauses.settle("chn_a", limited);
    pauses.settle("chn_a", sendRejected("chat not found", { reason: "undeliverable" }));
    expect(pauses.admit("chn_a")).toBe(0);
  });
});
