import { describe, expect, test } from "bun:test";
import { createLogger } from "../runtime";
import { createUsageMeter, type UsageRecord } from "./usage";

const rec = (over: Partial<UsageRecord>): UsageRecord => ({
  tenant_id: "t1",
  model: "m1",
  kind: "chat",
  outcome: "ok",
  prompt_tokens: 10,
  completion_tokens: 5,
  latency_ms: 100,
  attempts: 1,
  ...over,
});

describe("usage meter", () => {
  test("totals per tenant and model, and per tenant", () => {
    const meter = createUsageMeter();
    meter.record(rec({}));
    meter.record(rec({ prompt_tokens: 1, completion_tokens: 2, latency_ms: 300 }));
    meter.record(rec({ model: "m2", kind: "embeddings", completion_tokens: 0, latency_ms: 20 }));
    meter.record(
      rec({ tenant_id: "t2", outcome: "llm.timeout", prompt_tokens: 0, completion_tokens: 0, latency_ms: 5_000 }),
    );
    expect(meter.totals()).toEqual([
      {
        tenant_id: "t1",
        model: "m1",
        calls: 2,
        failures: 0,
        prompt_tokens: 11,
        completion_tokens: 7,
        latency_ms_sum: 400,
        latency_ms_max: 300,
      },
      {
        tenant_id: "t1",
        model: "m2",
        calls: 1,
        failures: 0,
        prompt_tokens: 10,
        completion_tokens: 0,
        latency_ms_sum: 20,
        latency_ms_max: 20,
      },
      {
        tenant_id: "t2",
        model: "m1",
        calls: 1,
        failures: 1,
        prompt_tokens: 0,
        completion_tokens: 0,
        latency_ms_sum: 5_000,
        latency_ms_max: 5_000,
      },
    ]);
    expect(meter.tenantTotals("t1")).toEqual({
      tenant_id: "t1",
      calls: 3,
      failures: 0,
      prompt_tokens: 21,
      completion_tokens: 7,
      latency_ms_sum: 420,
      latency_ms_max: 300,
    });
    expect(meter.tenantTotals("nobody")).toMatchObject({ calls: 0, prompt_tokens: 0 });
  });

  test("totals are copies; reset forgets everything", () => {
    const meter = createUsageMeter();
    meter.record(rec({}));
    meter.totals()[0].calls = 99;
    expect(meter.totals()[0].calls).toBe(1);
    meter.reset();
    expect(meter.totals()).toEqual([]);
  });

  test("forwards every record to the hook; a failing hook is logged, never thrown", () => {
    const seen: UsageRecord[] = [];
    const lines: string[] = [];
    const meter = createUsageMeter({
      onRecord: (r) => {
        seen.push(r);
        throw new Error("prometheus down");
      },
      log: createLogger({ sink: (l) => lines.push(l) }),
    });
    expect(() => meter.record(rec({ tenant_id: "t3" }))).not.toThrow();
    expect(seen.map((r) => r.tenant_id)).toEqual(["t3"]);
    expect(meter.totals()[0].calls).toBe(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: "warn", msg: "usage hook failed" });
  });
});
