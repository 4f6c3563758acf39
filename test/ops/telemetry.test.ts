// runtime/telemetry in process: off, every seam is a pass-through (no span, no header, no trace id in
// logs); on, spans nest across awaits, a stored `traceparent` is continued, work handed to another
// async flow (a group commit) keeps its submitter's trace, log lines carry the trace id, and shutdown
// exports what is buffered. Tracing is process-global: this file turns it on and off itself.
import { afterAll, describe, expect, test } from "bun:test";
import {
  activeTraceId,
  bindTrace,
  createLogger,
  currentTraceparent,
  startTelemetry,
  traceHeaders,
  tracedFetch,
  tracingEnabled,
  withSpan,
  withStreamSpan,
} from "../../src/runtime";
import { startOtlpReceiver } from "../support/otlp-receiver";

const receiver = startOtlpReceiver();
afterAll(() => receiver.stop());

describe("tracing off", () => {
  test("withSpan runs the work as is; no traceparent, no headers, no trace id", async () => {
    const off = startTelemetry({ serviceName: "xin", version: "test" });
    expect(off.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const seen = await withSpan("job respond", {}, async () => ({
      parent: currentTraceparent(),
      headers: traceHeaders(),
      id: activeTraceId(),
    }));
    expect(seen).toEqual({ parent: null, headers: {}, id: undefined });
    const lines: string[] = [];
    createLogger({ sink: (l) => lines.push(l) }).info("job done");
    expect(JSON.parse(lines[0])).not.toHaveProperty("trace_id");
    // The fetch is handed back untouched.
    const base = (() => Promise.resolve(new Response("ok"))) as unknown as typeof fetch;
    await expect(tracedFetch(base)("http://127.0.0.1:1/")).resolves.toBeInstanceOf(Response);
  });
});

describe("tracing on", () => {
  test("spans nest, a stored traceparent is continued, bound work keeps its trace, logs carry the id; shutdown exports", async () => {
    const telemetry = startTelemetry({ endpoint: receiver.url, serviceName: "xin", version: "test" });
    expect(telemetry.enabled).toBe(true);
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    let stored: string | null = null;
    let requestTrace = "";
    const queued: (() => Promise<void>)[] = [];
    await withSpan("POST /webhooks/:provider/:channel_id", { kind: "server" }, async () => {
      requestTrace = activeTraceId() ?? "";
      await Bun.sleep(1);
      await withSpan("webhook batch", {}, async () => {
        stored = currentTraceparent(); // what enqueue writes on the job row
        log.info("batch written");
      });
      // Work run later by someone else's flow (GroupTransaction): bound here, it stays in this trace.
      queued.push(bindTrace(async () => void (await withSpan("db transaction", { kind: "client" }, async () => {}))));
    });
    expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // Another flow, in another trace, runs the queued work.
    await withSpan("unrelated flush", {}, async () => {
      for (const work of queued) await work();
    });
    // The job's run, later, from the row: a child of the batch span.
    await withSpan("job respond", { kind: "consumer", parent: stored }, async () => {
      expect(activeTraceId()).toBe(requestTrace);
      expect(traceHeaders().traceparent).toStartWith(`00-${requestTrace}-`);
      await withSpan("llm chat", { kind: "client" }, async () => {
        throw new Error("endpoint down");
      }).catch(() => {});
    });
    await telemetry.shutdown();
    expect(tracingEnabled()).toBe(false);

    const byName = new Map(receiver.spans.map((s) => [s.name, s]));
    const root = byName.get("POST /webhooks/:provider/:channel_id")!;
    expect(root.traceId).toBe(requestTrace);
    expect(root.parentSpanId).toBe("");
    expect(byName.get("webhook batch")?.parentSpanId).toBe(root.spanId);
    expect(byName.get("db transaction")?.parentSpanId).toBe(root.spanId);
    expect(byName.get("job respond")?.parentSpanId).toBe(byName.get("webhook batch")?.spanId);
    expect(byName.get("llm chat")?.parentSpanId).toBe(byName.get("job respond")?.spanId);
    expect(byName.get("llm chat")?.statusCode).toBe(2); // ERROR
    expect(byName.get("unrelated flush")?.traceId).not.toBe(requestTrace);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: "batch written", trace_id: requestTrace });
  });
});

describe("sampling", () => {
  test("a trace not sampled at its root is absent whole: its jobs follow the decision, logs name no trace", async () => {
    const before = receiver.spans.length;
    const telemetry = startTelemetry({ endpoint: receiver.url, sampleRatio: 0, serviceName: "xin", version: "test" });
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    let stored: string | null = null;
    await withSpan("POST /webhooks/:provider/:channel_id", { kind: "server" }, async () => {
      stored = currentTraceparent();
      log.info("webhook accepted");
    });
    // The decision rides in the flags (-00): the job's run is not recorded either.
    expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    await withSpan("job respond", { kind: "consumer", parent: stored }, async () => log.info("respond done"));
    // A caller that did sample (an admin tool's traceparent, flag 01) is recorded whatever the ratio.
    await withSpan(
      "GET /api/v1/status",
      { kind: "server", parent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      async () => {},
    );
    await telemetry.shutdown();
    expect(receiver.spans.slice(before).map((s) => s.name)).toEqual(["GET /api/v1/status"]);
    for (const line of lines) expect(JSON.parse(line)).not.toHaveProperty("trace_id");
  });
});

describe("streams", () => {
  test("a streamed answer is one span around its steps; its HTTP calls name it as parent; breaking off ends it", async () => {
    const before = receiver.spans.length;
    const telemetry = startTelemetry({ endpoint: receiver.url, serviceName: "xin", version: "test" });
    const sentWith: string[] = [];
    async function* deltas() {
      for (const d of ["Deli", "very ", "takes 3 days"]) {
        sentWith.push(traceHeaders().traceparent ?? ""); // what the SDK's fetch would send
        await Bun.sleep(1);
        yield d;
      }
    }
    let text = "";
    await withSpan("job respond", { kind: "consumer" }, async () => {
      for await (const d of withStreamSpan("llm stream", { kind: "client" }, deltas)) text += d;
      for await (const _ of withStreamSpan("llm stream (abandoned)", { kind: "client" }, deltas)) break;
    });
    await telemetry.shutdown();
    expect(text).toBe("Delivery takes 3 days");
    const spans = receiver.spans.slice(before);
    const job = spans.find((s) => s.name === "job respond")!;
    const stream = spans.find((s) => s.name === "llm stream")!;
    expect(stream.parentSpanId).toBe(job.spanId);
    expect(stream.kind).toBe(3); // CLIENT
    for (const header of sentWith.slice(0, 3)) expect(header).toBe(`00-${job.traceId}-${stream.spanId}-01`);
    expect(spans.find((s) => s.name === "llm stream (abandoned)")?.parentSpanId).toBe(job.spanId);
  });
});
