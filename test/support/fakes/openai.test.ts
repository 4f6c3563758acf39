// The OpenAI fake checked over raw HTTP (no SDK), so its wire format is pinned independently of the
// client that uses it.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { fakeEmbedding, isChatRequest, rateLimited, serverError, startOpenAIFake, type OpenAIFake } from "./openai";

const KEY = "sk-fake-0123456789";
let fake: OpenAIFake;

beforeAll(() => {
  fake = startOpenAIFake({ apiKey: KEY, models: ["gpt-fake", "emb-fake"], embeddingDimensions: 8 });
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

const post = (path: string, body: unknown, key: string | null = KEY, signal?: AbortSignal) =>
  fetch(`${fake.baseUrl}${path}`, {
    method: "POST",
    signal,
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const chatBody = { model: "gpt-fake", messages: [{ role: "user", content: "hi there" }] };

/** The `data:` payloads of an SSE body, in order. */
const sseData = (text: string) =>
  text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));

describe("auth", () => {
  test("a missing key and a wrong key get OpenAI's 401 bodies; the wrong key is masked", async () => {
    const missing = await post("/chat/completions", chatBody, null);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      "You didn't provide an API key",
    );
    const wrong = await post("/chat/completions", chatBody, "sk-wrong-987654321");
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { error: { message: string; code: string } };
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key", param: null });
    expect(body.error.message).toContain("sk-***4321");
  });
});

describe("chat completions", () => {
  test("non-streaming answer: echo reply, word-count usage, OpenAI's shape", async () => {
    const res = await post("/chat/completions", chatBody);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      object: "chat.completion",
      model: "gpt-fake",
      choices: [{ index: 0, message: { role: "assistant", content: "echo: hi there" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
  });

  test("replies can be a function of the messages", async () => {
    fake.setReply((messages) => `${messages.length} messages, last ${messages.at(-1)?.content}`);
    const res = await post("/chat/completions", chatBody);
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe(
      "1 messages, last hi there",
    );
  });

  test("streaming: role chunk, content chunks, finish chunk, usage chunk, [DONE]", async () => {
    fake.setReply("one two three");
    const res = await post("/chat/completions", { ...chatBody, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const data = sseData(await res.text());
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map(
      (d) =>
        JSON.parse(d) as {
          object: string;
          choices: { delta: { content?: string }; finish_reason: string | null }[];
          usage: unknown;
        },
    );
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("one two three");
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 3 } });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  test("streaming without include_usage sends no usage chunk", async () => {
    const data = sseData(await (await post("/chat/completions", { ...chatBody, stream: true })).text());
    expect(data.slice(0, -1).every((d) => !("usage" in (JSON.parse(d) as object)))).toBe(true);
  });

  test.each([
    [{ messages: [{ role: "user", content: "x" }] }, "Missing required parameter: 'model'.", "model"],
    [{ model: "gpt-fake", messages: [] }, "Invalid 'messages'", "messages"],
    [
      { model: "gpt-fake", messages: [{ role: "robot", content: "x" }] },
      "Invalid 'messages[0].role'",
      "messages[0].role",
    ],
    [{ ...chatBody, temperature: 5 }, "Invalid 'temperature'", "temperature"],
    [
      { ...chatBody, stream_options: { include_usage: true } },
      "only allowed when 'stream' is enabled",
      "stream_options",
    ],
    [{ ...chatBody, tools_please: true }, "Unrecognized request argument supplied: tools_please", null],
  ])("rejects %j with a 400 naming the parameter", async (body, message, param) => {
    const res = await post("/chat/completions", body);
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { message: string; type: string; param: string | null } }).error;
    expect(error.message).toContain(message);
    expect(error).toMatchObject({ type: "invalid_request_error", param });
  });

  test("a body that is not JSON is a 400", async () => {
    expect((await post("/chat/completions", "{nope")).status).toBe(400);
  });

  test("an unknown model is OpenAI's 404 model_not_found", async () => {
    const res = await post("/chat/completions", { ...chatBody, model: "gpt-9" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("model_not_found");
  });

  test("scripted 429 carries retry-after headers and is consumed once", async () => {
    fake.script(rateLimited({ retryAfterS: 2, retryAfterMs: 1500 }));
    const limited = await post("/chat/completions", chatBody);
    expect(limited.status).toBe(429);
    expect([limited.headers.get("retry-after"), limited.headers.get("retry-after-ms")]).toEqual(["2", "1500"]);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
    expect((await post("/chat/completions", chatBody)).status).toBe(200);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  test("an outage fails every chat request in turn (500, 429, hang until the client gives up) until it is lifted; embeddings stay up", async () => {
    fake.outage([serverError(500), rateLimited({ retryAfterMs: 100 }), { hang: true }], isChatRequest);
    expect((await post("/chat/completions", chatBody)).status).toBe(500);
    expect((await post("/chat/completions", chatBody)).status).toBe(429);
    const gaveUp = await post("/chat/completions", chatBody, KEY, AbortSignal.timeout(100)).catch((e: Error) => e.name);
    expect(gaveUp).toBe("TimeoutError");
    expect((await post("/chat/completions", chatBody)).status).toBe(500); // round-robin: the outage is not used up
    expect((await post("/embeddings", { model: "emb-fake", input: "hi" })).status).toBe(200);
    fake.outage(null);
    expect((await post("/chat/completions", chatBody)).status).toBe(200);
  });
});

describe("embeddings", () => {
  test("float vectors from the hashed bag of words, in order, with word-count usage", async () => {
    const res = await post("/embeddings", { model: "emb-fake", input: ["refund policy", "gift card"] });
    const body = (await res.json()) as {
      data: { index: number; embedding: number[] }[];
      usage: { prompt_tokens: number };
    };
    expect(body.data.map((d) => d.index)).toEqual([0, 1]);
    expect(body.data[0].embedding).toEqual(fakeEmbedding("refund policy", 8));
    expect(body.usage.prompt_tokens).toBe(4);
    expect(Math.hypot(...body.data[1].embedding)).toBeCloseTo(1, 6);
  });

  test("dimensions and base64 encoding are honoured", async () => {
    const res = await post("/embeddings", {
      model: "emb-fake",
      input: "refund policy",
      dimensions: 4,
      encoding_format: "base64",
    });
    const encoded = ((await res.json()) as { data: { embedding: string }[] }).data[0].embedding;
    const bytes = Buffer.from(encoded, "base64");
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    expect(decoded).toEqual(Array.from(Float32Array.from(fakeEmbedding("refund policy", 4))));
  });

  test.each([
    [{ model: "emb-fake", input: "" }],
    [{ model: "emb-fake", input: ["ok", ""] }],
    [{ model: "emb-fake", input: [] }],
  ])("rejects empty input %j like OpenAI", async (body) => {
    const res = await post("/embeddings", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("'$.input' is invalid");
  });
});

test("GET /v1/models lists the configured models; unknown paths are 404 with OpenAI's body", async () => {
  const models = await fetch(`${fake.baseUrl}/models`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(["gpt-fake", "emb-fake"]);
  const missing = await post("/completions", chatBody);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
    "Invalid URL (POST /v1/completions)",
  );
});
