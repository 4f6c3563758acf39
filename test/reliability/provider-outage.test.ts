// Provider outage suite (issue 17): the compiled binary answering WhatsApp and Telegram customers with
// an LLM, while for a window Meta answers 500/429, Telegram 429 (`retry_after`) and 5xx, and the LLM
// hangs or fails; then everything heals. Goal: every acknowledged message ends with exactly one text —
// the answer, or the holding message of an escalation — none lost, none doubled; the backlog drains
// within a bound after healing; and no provider is called again while its 429 said to wait.
// Short profile by default (a 10 s window); RELIABILITY_PROFILE=long for the recorded figures (60 s).
// Needs dist/xin (`bun scripts/build.ts --no-smoke`; built when missing).
import { describe, expect, test } from "bun:test";
import type { RecordedRequest } from "../support/fakes";
import { earlyAfter429, outageRun, type OutageProfile } from "./outage-run";

const LONG = process.env.RELIABILITY_PROFILE === "long";
const PROFILE: OutageProfile = {
  beforeMs: LONG ? 10_000 : 3_000,
  windowMs: LONG ? 60_000 : 10_000,
  afterMs: LONG ? 10_000 : 3_000,
  ratePerSecond: Number(process.env.RELIABILITY_RATE ?? (LONG ? 8 : 6)),
  retryAfterS: 3,
  llmTimeoutMs: Number(process.env.RELIABILITY_LLM_TIMEOUT_MS ?? 2_000),
};
/**
 * The backlog must be answered this soon after healing: the queue's backoff, plus the LLM calls that
 * hung at the end of the window, which only end at xin's timeout (`RELIABILITY_LLM_TIMEOUT_MS` sets it;
 * 60000, the default `llm.timeout_ms`, shows what customers wait with an unconfigured timeout).
 */
const DRAIN_BOUND_MS = (LONG ? 90_000 : 45_000) + PROFILE.llmTimeoutMs;

describe(`provider outage suite (${LONG ? "long" : "short"} profile)`, () => {
  test("the early-request count sees a request inside a 429's wait, not one after it or in flight", () => {
    const at = (ms: number, status = 200) => ({ at: ms, status }) as RecordedRequest;
    const requests = [at(0, 429), at(100), at(1_000), at(2_900), at(3_100), at(5_000, 429), at(5_200, 429), at(6_000)];
    // 1000 and 2900 fall inside the first 429's 3 s; 6000 inside the second's; 100 and 5200 were in flight.
    expect(earlyAfter429(requests, 3_000, 500)).toBe(3);
  });

  test(
    "Meta 500/429, Telegram 429/5xx and LLM timeouts for a window: nothing lost or doubled, backlog drained, waits honoured",
    async () => {
      const report = await outageRun(PROFILE);
      console.log(`provider outage ${LONG ? "long" : "short"} ${JSON.stringify(report)}`);
      for (const tally of Object.values(report.providers)) {
        expect(tally.lost).toBe(0);
        expect(tally.duplicated).toBe(0);
        expect(tally.answered + tally.holding).toBe(tally.customers);
        expect(tally.windowRequests).toBeGreaterThan(0); // the outage was seen
        expect(tally.earlyAfter429).toBe(0);
      }
      // Persisted: every reply and holding message sent (none failed or still queued), no job dead.
      const texts = Object.values(report.providers).reduce((n, t) => n + t.customers, 0);
      expect(report.stored.outbound).toEqual({ sent: texts });
      expect(Object.keys(report.stored.jobs).filter((k) => k.endsWith(":dead"))).toEqual([]);
      // What xin did about it, as an operator sees it: the log's pauses are the metric's.
      expect(report.pausesMetric).toEqual(report.xin.paused);
      expect(Object.values(report.pausesMetric).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(report.providers.whatsapp.windowRateLimited).toBeGreaterThan(0);
      expect(report.providers.telegram.windowRateLimited).toBeGreaterThan(0);
      expect(report.llm.windowCalls).toBeGreaterThan(0);
      // An LLM that fails is an escalation with the holding message, never silence.
      expect(report.xin.outcomes["escalation:llm_unavailable"] ?? 0).toBeGreaterThan(0);
      expect(report.drainMs).toBeGreaterThanOrEqual(0);
      expect(report.drainMs).toBeLessThanOrEqual(DRAIN_BOUND_MS);
    },
    LONG ? 600_000 : 240_000,
  );
});
