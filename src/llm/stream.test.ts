import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import {
  openAIError,
  rateLimited,
  serverError,
  startOpenAIFake,
  type OpenAIFake,
} from "../../test/support/fakes/openai";
import {
  createChatClient,
  createUsageMeter,
  isLlmError,
  llmConfigSchema,
  type ClientOptions,
  type StreamEvent,
} from "./index";

let fake: OpenAIFake;

beforeAll(() => {
  fake = startOpenAIFake();
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

const client = (overrides: Record<string, unknown> = {}, options: ClientOptions = {}) =>
  createChatClient(llmConfigSchema.parse({ base_url: fake.baseUrl, model: "gpt-fake", ...overrides }), {
    retryDelays: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });

const ask = [{ role: "user" as const, content: "what are your opening hours" }];

type Collected = { deltas: string[]; events: StreamEvent[]; error?: unknown };

const collect = async (events: AsyncIterable<StreamEvent>): Promise<Collected> => {
  const out: Collected = { deltas: [], events: [] };
  try {
    for await (const event of events) {
      out.events.push(event);
      if (event.type === "delta") out.deltas.push(event.text);
    }
  } catch (e) {
    out.error = e;
  }
  return out;
};

const endOf = (c: Collected) => {
  const last = c.events.at(-1);
  if (last?.type !== "end") throw new Error(`stream did not end: ${String(c.error)}`);
  return last.result;
};

describe("stream", () => {
  test("yields the answer as several deltas, then one end event with provider usage", async () => {
    fake.setReply("We open at nine and close at five.");
    const got = await collect(client().stream(ask));
    expect(got.deltas.length).toBeGreaterThan(3);
    expect(got.deltas.join("")).toBe("We open at nine and close at five.");
    expect(got.events.filter((e) => e.type === "end")).toHaveLength(1);
    expect(endOf(got)).toMatchObject({
      text: "We open at nine and close at five.",
      usage: { prompt_tokens: 5, completion_tokens: 8 },
      usage_source: "provider",
      finish_reason: "stop",
      model: "gpt-fake",
      attempts: 1,
    });
    const body = fake.chatRequests()[0].body;
    expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test("a server that sends no usage chunk gets an estimate", async () => {
    fake.scriptChat({ reply: "abcdefgh", omitUsage: true });
    const result = endOf(await collect(client().stream(ask)));
    expect(result).toMatchObject({ usage_source: "estimate", usage: { prompt_tokens: 7, completion_tokens: 2 } });
  });

  test("retries 429 and 5xx before the first token; the endpoint sees each attempt", async () => {
    fake.script([rateLimited({ retryAfterMs: 50 }), serverError(502)]);
    const result = endOf(await collect(client({ max_retries: 2 }).stream(ask)));
    expect(result.attempts).toBe(3);
    expect(result.text).toBe("echo: what are your opening hours");
    expect(fake.chatRequests()).toHaveLength(3);
  });

  test("does not retry a 400", async () => {
    fake.script(openAIError(400, "bad stop"));
    const got = await collect(client({ max_retries: 3 }).stream(ask));
    expect(got.error).toMatchObject({ code: "llm.rejected", retryable: false });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  test("timeout_ms is an idle timeout: a slow but flowing answer completes past it, and past the SDK's own timer", async () => {
    // The SDK's timer is set to 2 × timeout_ms + 1 s = 1.6 s here; the answer takes ~2.4 s. A chunk
    // every 60 ms stays well inside the 300 ms idle budget also on a loaded machine (100 ms was flaky).
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");
    fake.scriptChat({ reply: words, chunkDelayMs: 60 });
    const started = Date.now();
    const result = endOf(await collect(client({ timeout_ms: 300 }).stream(ask)));
    expect(Date.now() - started).toBeGreaterThan(1_800);
    expect(result.text).toBe(words);
  });

  test("a stream that stalls after some tokens fails with llm.timeout, after the deltas already yielded", async () => {
    fake.scriptChat({ reply: "one two three four", stallAfterChunks: 2 });
    const meter = createUsageMeter();
    const got = await collect(client({ timeout_ms: 250, max_retries: 2 }, { meter }).stream(ask, { tenantId: "t1" }));
    expect(got.deltas.join("")).toBe("one two ");
    expect(got.error).toMatchObject({ code: "llm.timeout", retryable: true });
    expect(fake.chatRequests()).toHaveLength(1);
    expect(meter.totals()[0]).toMatchObject({ tenant_id: "t1", calls: 1, failures: 1, completion_tokens: 2 });
  });

  test("a stream cut before its last chunk is an error, not a short answer", async () => {
    fake.scriptChat({ reply: "one two three four", cutAfterChunks: 2 });
    const got = await collect(client({ max_retries: 0 }).stream(ask));
    expect(got.deltas.join("")).toBe("one two ");
    expect(isLlmError(got.error) && got.error.code).toBe("llm.provider_error");
  });

  test("the time to the first token is bounded too (endpoint hangs)", async () => {
    fake.script({ hang: true });
    const started = Date.now();
    const got = await collect(client({ timeout_ms: 200 }).stream(ask));
    expect(got.error).toMatchObject({ code: "llm.timeout" });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test("stopping early releases the stream and records the call as cancelled", async () => {
    fake.scriptChat({ reply: "one two three four five six seven", chunkDelayMs: 20 });
    const meter = createUsageMeter();
    const records: string[] = [];
    const c = client({}, { meter: { record: (r) => (records.push(r.outcome), meter.record(r)) } });
    for await (const event of c.stream(ask, { tenantId: "t9" })) {
      if (event.type === "delta") break;
    }
    expect(records).toEqual(["llm.cancelled"]);
  });

  test("a slow consumer does not trip the idle timeout", async () => {
    fake.setReply("alpha beta gamma");
    const deltas: string[] = [];
    for await (const event of client({ timeout_ms: 150 }).stream(ask)) {
      if (event.type !== "delta") continue;
      deltas.push(event.text);
      await Bun.sleep(250);
    }
    expect(deltas.join("")).toBe("alpha beta gamma");
  });

  test("a leading <think> block is never yielded, even split across chunks", async () => {
    fake.setReply("<think> the user asks about hours </think> We open at nine.");
    const got = await collect(client().stream(ask));
    expect(got.deltas.join("")).toBe("We open at nine.");
    expect(endOf(got).text).toBe("We open at nine.");
  });

  test("a short answer that looks like the start of a think tag is still delivered", async () => {
    fake.setReply("<th");
    const got = await collect(client().stream(ask));
    expect(got.deltas).toEqual(["<th"]);
    expect(endOf(got).text).toBe("<th");
  });

  test("the caller's signal ends the stream with llm.cancelled", async () => {
    fake.scriptChat({ reply: "one two three four", stallAfterChunks: 1 });
    const controller = new AbortController();
    const events = client({ timeout_ms: 5_000 }).stream(ask, { signal: controller.signal });
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const event of events) {
        if (event.type === "delta") got.push(event.text);
        controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(got).toEqual(["one "]);
    expect(error).toMatchObject({ code: "llm.cancelled", retryable: false });
  });
});
