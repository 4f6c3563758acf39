// Overload suite (issue 17): the short profile of scripts/bench-overload.ts as a test. The compiled
// binary's answering capacity is measured first (a burst through 64 connections), then webhooks are
// posted open loop at twice that for ~10 s by a child process on the same cores. Goal: every
// acknowledged message answered (0 lost) and the backlog fully drained within a bound. The ack p99, the
// peak memory (PSS of xin + its PostgreSQL) and the drain time are printed, not asserted: timing on a
// shared machine is the benchmark's to record (BENCH.md, RELIABILITY.md), not a test's to fail on.
// RELIABILITY_PROFILE=long: 30 s at 2×. Needs dist/xin (`bun scripts/build.ts --no-smoke`).
import { describe, expect, test } from "bun:test";
import { runOverload } from "../../scripts/lib/overload-run";

const LONG = process.env.RELIABILITY_PROFILE === "long";
/** After the last post, the backlog must be answered within this (the drain bound); later is lost. */
const DRAIN_BOUND_MS = 120_000;

describe(`overload suite (${LONG ? "long" : "short"} profile)`, () => {
  test("open loop at 2× the answering capacity: nothing lost, the backlog drains", async () => {
    const result = await runOverload({
      seconds: LONG ? 30 : 10,
      factor: 2,
      burst: LONG ? 1000 : 500,
      store: "embedded",
      drainTimeoutMs: DRAIN_BOUND_MS,
    });
    console.log(`overload ${LONG ? "long" : "short"} ${JSON.stringify(result)}`);
    expect(result.capacity_replies_per_s).toBeGreaterThan(0);
    expect(result.offered).toBeGreaterThanOrEqual(result.offered_per_s * (LONG ? 30 : 10));
    // Acknowledged (200) and never answered: what must not happen under overload.
    expect(result.lost).toBe(0);
    expect(result.drain_s_after_last_post * 1000).toBeLessThanOrEqual(DRAIN_BOUND_MS);
    // Refused acks would be retried by the provider; xin is expected to acknowledge them all.
    expect(result.ack.not_200).toBe(0);
  }, 420_000);
});
