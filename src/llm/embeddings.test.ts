import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import {
  fakeEmbedding,
  openAIError,
  rateLimited,
  serverError,
  startOpenAIFake,
  type OpenAIFake,
} from "../../test/support/fakes/openai";
import {
  createEmbeddingsClient,
  createUsageMeter,
  embeddingsConfigSchema,
  isLlmError,
  type ClientOptions,
  type LlmError,
} from "./index";

let fake: OpenAIFake;

beforeAll(() => {
  fake = startOpenAIFake({ apiKey: "sk-emb-0123456789", embeddingDimensions: 32 });
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

const client = (overrides: Record<string, unknown> = {}, options: ClientOptions = {}) =>
  createEmbeddingsClient(
    embeddingsConfigSchema.parse({
      base_url: fake.baseUrl,
      model: "text-embedding-fake",
      api_key: "sk-emb-0123456789",
      ...overrides,
    }),
    { retryDelays: { baseDelayMs: 5, maxDelayMs: 20 }, ...options },
  );

const failure = async (call: Promise<unknown>): Promise<LlmError> => {
  const outcome = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isLlmError(outcome)) throw new Error(`expected an LlmError, got ${String(outcome)}`);
  return outcome;
};

const texts = [
  "refund policy",
  "opening hours",
  "shipping to france",
  "gift cards",
  "returns within 30 days",
  "store address",
  "phone support",
];

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe("embed", () => {
  test("batches by batch_size, one request at a time, and returns vectors in input order", async () => {
    const vectors = await client({ batch_size: 3 }).embed(texts);
    expect(fake.embeddingRequests().map((r) => (r.body?.input as string[]).length)).toEqual([3, 3, 1]);
    expect(fake.embeddingRequests().flatMap((r) => r.body?.input as string[])).toEqual(texts);
    expect(vectors).toHaveLength(texts.length);
    vectors.forEach((v, i) => {
      expect(v).toBeInstanceOf(Float32Array);
      expect(Array.from(v)).toEqual(Array.from(Float32Array.from(fakeEmbedding(texts[i], 32))));
    });
    expect(fake.embeddingRequests()[0].body).toMatchObject({ model: "text-embedding-fake", encoding_format: "float" });
  });

  test("puts vectors back in input order when the server answers out of order", async () => {
    fake.setEmbeddings({ reverseOrder: true });
    const vectors = await client({ batch_size: 10 }).embed(texts);
    vectors.forEach((v, i) =>
      expect(Array.from(v)).toEqual(Array.from(Float32Array.from(fakeEmbedding(texts[i], 32)))),
    );
  });

  test("sends configured dimensions and checks every vector has them", async () => {
    const c = client({ dimensions: 16 });
    const vectors = await c.embed(["a", "b"]);
    expect(fake.embeddingRequests()[0].body?.dimensions).toBe(16);
    expect(vectors.map((v) => v.length)).toEqual([16, 16]);
    fake.setEmbeddings({ forceDimensions: 24 });
    const error = await failure(c.embed(["c"]));
    expect(error).toMatchObject({ code: "llm.invalid_response", retryable: false });
    expect(error.message).toContain("24 dimensions, expected 16");
  });

  test("without configured dimensions, learns them from the first answer and holds later answers to them", async () => {
    const c = client();
    expect(c.dimensions).toBeUndefined();
    await c.embed(["first"]);
    expect(c.dimensions).toBe(32);
    fake.setEmbeddings({ forceDimensions: 8 });
    expect((await failure(c.embed(["second"]))).code).toBe("llm.invalid_response");
  });

  test("a wrong number of vectors is llm.invalid_response", async () => {
    fake.setEmbeddings({ dropOne: true });
    expect((await failure(client().embed(["a", "b", "c"]))).message).toContain("2 vectors for 3 inputs");
  });

  test("retries a rate-limited batch after retry-after-ms, then carries on with the next batches", async () => {
    fake.script([rateLimited({ retryAfterMs: 200 }), serverError(500)], (r) => r.path === "/v1/embeddings");
    const started = Date.now();
    const vectors = await client({ batch_size: 2, max_retries: 3 }).embed(texts.slice(0, 4));
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(vectors).toHaveLength(4);
    expect(fake.embeddingRequests()).toHaveLength(4);
  });

  test("rate limiting that outlasts the retries is llm.rate_limited with the provider's wait", async () => {
    fake.script([
      rateLimited({ retryAfterMs: 10 }),
      rateLimited({ retryAfterMs: 10 }),
      rateLimited({ retryAfterMs: 10 }),
    ]);
    const error = await failure(client({ max_retries: 2 }).embed(["a"]));
    expect(error).toMatchObject({ code: "llm.rate_limited", retryable: true, retryAfterMs: 10, attempts: 3 });
  });

  test("does not retry a 400", async () => {
    fake.script(
      openAIError(400, "This model's maximum context length is 8192 tokens", { code: "context_length_exceeded" }),
    );
    const error = await failure(client({ max_retries: 3 }).embed(["a"]));
    expect(error).toMatchObject({ code: "llm.rejected", providerCode: "context_length_exceeded", attempts: 1 });
    expect(fake.embeddingRequests()).toHaveLength(1);
  });

  test("times out a hanging batch", async () => {
    fake.script({ hang: true });
    expect((await failure(client({ timeout_ms: 200 }).embed(["a"]))).code).toBe("llm.timeout");
  });

  test("an empty list makes no request; a blank text is rejected before any request", async () => {
    expect(await client().embed([])).toEqual([]);
    const error = await failure(client().embed(["fine", "  "]));
    expect(error).toMatchObject({ code: "llm.rejected", retryable: false });
    expect(error.message).toBe("embeddings input 1 is empty");
    expect(fake.embeddingRequests()).toHaveLength(0);
  });

  test("similar texts get closer vectors than unrelated ones (what retrieval relies on)", async () => {
    const [a, b, c] = await client().embed([
      "how do I return an item",
      "return an item for a refund",
      "gift card balance",
    ]);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
  });

  test("records tokens per batch and tenant", async () => {
    const meter = createUsageMeter();
    await client({ batch_size: 2 }, { meter }).embed(["one two", "three", "four five six"], { tenantId: "t1" });
    expect(meter.tenantTotals("t1")).toMatchObject({ calls: 2, failures: 0, prompt_tokens: 6, completion_tokens: 0 });
    expect(meter.totals()[0].model).toBe("text-embedding-fake");
  });

  test("models lists the endpoint's models with the embeddings key", async () => {
    expect(await client().models()).toEqual(["gpt-fake", "text-embedding-fake"]);
    expect(fake.requests[0].headers.get("authorization")).toBe("Bearer sk-emb-0123456789");
  });
});
