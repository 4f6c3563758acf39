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
  type LlmError,
} from "./index";

const KEY = "sk-test-0123456789abcdef";
let fake: OpenAIFake;

beforeAll(() => {
  fake = startOpenAIFake({ apiKey: KEY, models: ["gpt-fake"] });
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

const client = (overrides: Record<string, unknown> = {}, options: ClientOptions = {}) =>
  createChatClient(llmConfigSchema.parse({ base_url: fake.baseUrl, model: "gpt-fake", api_key: KEY, ...overrides }), {
    retryDelays: FAST,
    ...options,
  });

const ask = [
  { role: "system" as const, content: "be brief" },
  { role: "user" as const, content: "opening hours please" },
];

/** The LlmError a call rejects with (fails the test when it resolves or throws something else). */
const failure = async (call: Promise<unknown>): Promise<LlmError> => {
  const outcome = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isLlmError(outcome)) throw new Error(`expected an LlmError, got ${String(outcome)}`);
  return outcome;
};

describe("chat", () => {
  test("returns the text, provider usage, finish reason, model and latency, and sends a plain request", async () => {
    const result = await client({ temperature: 0.2 }).chat(ask);
    expect(result).toMatchObject({
      text: "echo: opening hours please",
      usage: { prompt_tokens: 5, completion_tokens: 4 },
      usage_source: "provider",
      finish_reason: "stop",
      model: "gpt-fake",
      attempts: 1,
    });
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
    const [request] = fake.chatRequests();
    expect(request.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    // Plain text only: no tools, no response_format, the configured cap and temperature.
    expect(request.body).toEqual({
      model: "gpt-fake",
      messages: ask,
      max_tokens: 1024,
      temperature: 0.2,
      stream: false,
    });
  });

  test("per-call options override the config; unset temperature is not sent", async () => {
    await client().chat(ask, { maxTokens: 50, stop: ["\n\n"] });
    expect(fake.chatRequests()[0].body).toEqual({
      model: "gpt-fake",
      messages: ask,
      max_tokens: 50,
      stop: ["\n\n"],
      stream: false,
    });
  });

  test("retries 429 and 5xx, then succeeds: the endpoint sees exactly one request per attempt", async () => {
    fake.script([rateLimited(), serverError(503)], (r) => r.path === "/v1/chat/completions");
    const result = await client({ max_retries: 2 }).chat(ask);
    expect(result.attempts).toBe(3);
    expect(fake.chatRequests()).toHaveLength(3);
  });

  test("gives up after max_retries with the last error, retryable, and the attempt count", async () => {
    fake.script([serverError(500), serverError(502), serverError(500)]);
    const error = await failure(client({ max_retries: 1 }).chat(ask));
    expect(error).toMatchObject({ code: "llm.provider_error", retryable: true, providerStatus: 502, attempts: 2 });
    expect(fake.chatRequests()).toHaveLength(2);
  });

  test("retries network errors and maps them to llm.unreachable", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${closed.port}/v1`;
    await closed.stop(true);
    const error = await failure(client({ base_url: url, max_retries: 2 }).chat(ask));
    expect(error).toMatchObject({ code: "llm.unreachable", retryable: true, attempts: 3 });
  });

  test("honours retry-after-ms", async () => {
    fake.script(rateLimited({ retryAfterMs: 300 }));
    const started = Date.now();
    await client({ max_retries: 1 }).chat(ask);
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  test("honours retry-after in seconds", async () => {
    fake.script(rateLimited({ retryAfterS: 1 }));
    const started = Date.now();
    await client({ max_retries: 1 }).chat(ask);
    expect(Date.now() - started).toBeGreaterThanOrEqual(995);
  });

  test("a Retry-After longer than the remaining budget fails at once with llm.rate_limited and the wait", async () => {
    fake.script(rateLimited({ retryAfterS: 30 }));
    const started = Date.now();
    const error = await failure(client({ max_retries: 3, timeout_ms: 2_000 }).chat(ask));
    expect(error).toMatchObject({
      code: "llm.rate_limited",
      retryable: true,
      retryAfterMs: 30_000,
      attempts: 1,
      status: 429,
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  test("does not retry a 400; the provider's message is kept, made safe", async () => {
    fake.script(
      openAIError(400, "Invalid 'messages[0].content': too long.\nsecond line", {
        code: "invalid_value",
        param: "messages",
      }),
    );
    const error = await failure(client({ max_retries: 3 }).chat(ask));
    expect(error).toMatchObject({
      code: "llm.rejected",
      retryable: false,
      providerStatus: 400,
      providerCode: "invalid_value",
      attempts: 1,
    });
    expect(error.message).toBe(
      "LLM endpoint rejected the request (400 invalid_value): Invalid 'messages[0].content': too long. second line",
    );
    expect(fake.chatRequests()).toHaveLength(1);
  });

  test("a wrong key is rejected by the endpoint; the key never appears in the error", async () => {
    const error = await failure(client({ api_key: "sk-wrong-key-0000000000" }).chat(ask));
    expect(error).toMatchObject({
      code: "llm.rejected",
      providerStatus: 401,
      providerCode: "invalid_api_key",
      attempts: 1,
    });
    expect(error.message).not.toContain("wrong-key");
    expect(JSON.stringify(error.data)).not.toContain("wrong-key");
  });

  test("an unknown model is rejected (404), not retried", async () => {
    const error = await failure(client({ model: "gpt-nope" }).chat(ask));
    expect(error).toMatchObject({ code: "llm.rejected", providerStatus: 404, providerCode: "model_not_found" });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  test("a 408 from the server is retried and, if it persists, is llm.timeout", async () => {
    fake.script([openAIError(408, "Request timed out"), openAIError(408, "Request timed out")]);
    const error = await failure(client({ max_retries: 1 }).chat(ask));
    expect(error).toMatchObject({ code: "llm.timeout", providerStatus: 408, attempts: 2, retryable: true });
  });

  test("times out on a hanging endpoint within the budget, and does not retry past it", async () => {
    fake.script({ hang: true });
    const started = Date.now();
    const error = await failure(client({ timeout_ms: 300, max_retries: 3 }).chat(ask));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ code: "llm.timeout", retryable: true, status: 504 });
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(1_500);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  test("the caller's signal cancels the call as llm.cancelled, not retryable", async () => {
    fake.script({ hang: true });
    const controller = new AbortController();
    const call = client().chat(ask, { signal: controller.signal });
    await fake.waitForRequests(1);
    controller.abort();
    expect(await failure(call)).toMatchObject({ code: "llm.cancelled", retryable: false });
  });

  test("a 200 without choices is llm.invalid_response and is not retried", async () => {
    fake.script({ status: 200, body: { id: "x", object: "chat.completion", choices: [] } });
    const error = await failure(client({ max_retries: 2 }).chat(ask));
    expect(error).toMatchObject({ code: "llm.invalid_response", retryable: false });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  test("a server that reports no usage gets an estimate, flagged as such", async () => {
    fake.scriptChat({ reply: "twelve chars", omitUsage: true });
    const result = await client().chat(ask);
    expect(result.usage_source).toBe("estimate");
    expect(result.usage).toEqual({ prompt_tokens: 2 + 5, completion_tokens: 3 });
  });

  test("a leading <think> block of a local reasoning model is removed from the answer", async () => {
    fake.scriptChat({ reply: "<think>\nthe user wants hours\n</think>\n\nWe open at 9.", finishReason: "stop" });
    expect((await client().chat(ask)).text).toBe("We open at 9.");
  });

  test("no key configured: no Authorization header at all (local servers)", async () => {
    const open = startOpenAIFake();
    try {
      const result = await createChatClient(llmConfigSchema.parse({ base_url: open.baseUrl, model: "llama3" })).chat(
        ask,
      );
      expect(result.text).toBe("echo: opening hours please");
      expect(open.chatRequests()[0].headers.get("authorization")).toBeNull();
    } finally {
      await open.stop();
    }
  });

  test("the SDK's environment fallbacks are ignored: config is the only source", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      OPENAI_API_KEY: "sk-from-env-xxxxxxxx",
      OPENAI_ORG_ID: "org-env",
    });
    try {
      const open = startOpenAIFake();
      try {
        await createChatClient(llmConfigSchema.parse({ base_url: open.baseUrl, model: "m" })).chat(ask);
        const [request] = open.chatRequests();
        expect(request.headers.get("authorization")).toBeNull();
        expect(request.headers.get("openai-organization")).toBeNull();
      } finally {
        await open.stop();
      }
    } finally {
      for (const key of ["OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_ORG_ID"]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  test("records usage per tenant and model, failures included", async () => {
    const meter = createUsageMeter();
    const c = client({}, { meter });
    await c.chat(ask, { tenantId: "t1" });
    await c.chat([{ role: "user", content: "one two three" }], { tenantId: "t1" });
    fake.script(openAIError(400, "bad"));
    await failure(c.chat(ask, { tenantId: "t2" }));
    expect(meter.totals().map(({ latency_ms_sum, latency_ms_max, ...t }) => t)).toEqual([
      { tenant_id: "t1", model: "gpt-fake", calls: 2, failures: 0, prompt_tokens: 5 + 3, completion_tokens: 4 + 4 },
      { tenant_id: "t2", model: "gpt-fake", calls: 1, failures: 1, prompt_tokens: 0, completion_tokens: 0 },
    ]);
  });

  test("models lists what the endpoint serves, in one attempt", async () => {
    expect(await client().models()).toEqual(["gpt-fake"]);
    fake.script(serverError(503));
    expect(await failure(client({ max_retries: 3 }).models())).toMatchObject({
      code: "llm.provider_error",
      attempts: 1,
    });
    expect(fake.requests.filter((r) => r.path === "/v1/models")).toHaveLength(2);
  });
});
