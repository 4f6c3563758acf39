/**
 * Fake OpenAI-compatible API on loopback (OpenAI, Ollama, vLLM all speak it): `POST /v1/chat/completions`
 * (JSON, or SSE with `stream: true`: `data: {chunk}` lines, a final usage chunk when
 * `stream_options.include_usage`, then `data: [DONE]`), `POST /v1/embeddings` (float or base64) and
 * `GET /v1/models`. Errors use OpenAI's body `{ error: { message, type, param, code } }`.
 *
 * Deterministic by design, so tests can assert exact values:
 * - tokens are whitespace-separated words: prompt_tokens = words over all message contents,
 *   completion_tokens = words of the reply;
 * - the default reply is `echo: <last user message>`; `setReply` / `scriptChat` change it;
 * - embeddings are hashed bags of words (`fakeEmbedding`): texts sharing words are close, unit length,
 *   `dimensions` honoured (default 64).
 * With `apiKey` set, a missing or wrong `Authorization: Bearer` gets OpenAI's 401. With `models` set,
 * other model names get OpenAI's 404 `model_not_found`. Scripted failures (`rateLimited`, `serverError`,
 * `openAIError`, `{ hang: true }`) go through the shared `script(...)` (or `outage(...)` for a while,
 * e.g. with `isChatRequest`) and win over everything else.
 */
import { z } from "zod";
import { json, startFakeServer, type FakeServer, type RecordedRequest, type ScriptedReply } from "./fake-server";

export type FakeChatMessage = { role: string; content: string };
export type ChatReply = string | ((messages: FakeChatMessage[], body: Record<string, unknown>) => string);

/** How the next chat completion behaves (queued with `scriptChat`, one per request, in order). */
export type ChatScript = {
  reply?: ChatReply;
  finishReason?: string;
  /** Model name reported in the answer (default: the requested one). */
  model?: string;
  /** Leave `usage` out (some local servers do). */
  omitUsage?: boolean;
  /** Streaming: wait this long before each content chunk. */
  chunkDelayMs?: number;
  /** Streaming: after this many content chunks send nothing more and keep the connection open. */
  stallAfterChunks?: number;
  /** Streaming: after this many content chunks close the connection (no finish chunk, no [DONE]). */
  cutAfterChunks?: number;
};

export type EmbeddingsBehaviour = {
  /** Answer `data` in reverse order (the `index` fields stay right), as some servers do. */
  reverseOrder?: boolean;
  /** Answer vectors of this size whatever was asked (a model swapped behind the client's back). */
  forceDimensions?: number;
  /** Answer one vector fewer than asked. */
  dropOne?: boolean;
};

export type OpenAIFake = FakeServer & {
  /** `<url>/v1`: what `llm.base_url` / `embeddings.base_url` are set to. */
  baseUrl: string;
  setReply(reply: ChatReply): void;
  scriptChat(script: ChatScript | ChatScript[]): void;
  setEmbeddings(behaviour: EmbeddingsBehaviour): void;
  chatRequests(): RecordedRequest[];
  embeddingRequests(): RecordedRequest[];
};

export const isChatRequest = (r: RecordedRequest) => r.method === "POST" && r.path === "/v1/chat/completions";
export const isEmbeddingsRequest = (r: RecordedRequest) => r.method === "POST" && r.path === "/v1/embeddings";

/** An OpenAI error answer for `script(...)`. */
export const openAIError = (
  status: number,
  message: string,
  extra: { type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
): ScriptedReply => ({
  status,
  body: {
    error: {
      message,
      type: extra.type ?? "invalid_request_error",
      param: extra.param ?? null,
      code: extra.code ?? null,
    },
  },
  headers: extra.headers,
});

/** OpenAI's 429, with `retry-after` (seconds) and/or `retry-after-ms` when given. */
export const rateLimited = (wait: { retryAfterS?: number; retryAfterMs?: number } = {}): ScriptedReply =>
  openAIError(429, "Rate limit reached for requests. Please try again later.", {
    type: "requests",
    code: "rate_limit_exceeded",
    headers: {
      ...(wait.retryAfterS !== undefined ? { "retry-after": String(wait.retryAfterS) } : {}),
      ...(wait.retryAfterMs !== undefined ? { "retry-after-ms": String(wait.retryAfterMs) } : {}),
    },
  });

export const serverError = (status = 500): ScriptedReply =>
  openAIError(status, "The server had an error while processing your request. Sorry about that!", {
    type: "server_error",
  });

export const countTokens = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** FNV-1a, then murmur3's finalizer: FNV alone spreads short words poorly over the low bits. */
const hash = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/** The fake's embedding: each lower-cased word adds ±1 at a hashed position; unit length. */
export const fakeEmbedding = (text: string, dimensions: number): number[] => {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [text];
  for (const word of words) {
    const h = hash(word);
    vector[h % dimensions] += h & 0x80000000 ? -1 : 1;
  }
  // Words whose ±1s cancel out still need a direction: fall back to the whole text's hash.
  if (!vector.some((v) => v !== 0)) vector[hash(text) % dimensions] = 1;
  const norm = Math.hypot(...vector);
  return vector.map((v) => v / norm);
};

const message = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z
    .union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).loose())])
    .nullable(),
  name: z.string().optional(),
});

const contentText = (content: z.infer<typeof message>["content"]): string =>
  typeof content === "string" ? content : (content ?? []).map((p) => p.text ?? "").join("");

/** The default answer: deterministic and tied to the question, so tests can tell answers apart. */
const echoReply: ChatReply = (messages) => `echo: ${messages.filter((m) => m.role === "user").at(-1)?.content ?? ""}`;

const chatBody = z
  .object({
    model: z.string().min(1),
    messages: z.array(message).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).strict().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    max_completion_tokens: z.number().int().min(1).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    n: z.literal(1).nullish(),
    seed: z.number().int().nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    user: z.string().nullish(),
  })
  .strict();

const embeddingsBody = z
  .object({
    model: z.string().min(1),
    input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)]),
    dimensions: z.number().int().min(1).max(4096).optional(),
    encoding_format: z.enum(["float", "base64"]).optional(),
    user: z.string().optional(),
  })
  .strict();

/** OpenAI-style 400 for the first problem zod found (param in OpenAI's `messages[0].role` form). */
const invalid = (error: z.ZodError) => {
  const issue = error.issues[0];
  const param = issue.path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
  if (issue.code === "unrecognized_keys") {
    return json(400, {
      error: {
        message: `Unrecognized request argument supplied: ${issue.keys.join(", ")}`,
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    });
  }
  const missing = issue.code === "invalid_type" && issue.input === undefined;
  return json(400, {
    error: {
      message: missing ? `Missing required parameter: '${param}'.` : `Invalid '${param}': ${issue.message}.`,
      type: "invalid_request_error",
      param,
      code: missing ? "missing_required_parameter" : "invalid_value",
    },
  });
};

const fail = (status: number, message: string, code: string | null = null, param: string | null = null) =>
  json(status, { error: { message, type: "invalid_request_error", param, code } });

const maskKey = (key: string) => (key.length > 8 ? `${key.slice(0, 3)}***${key.slice(-4)}` : "***");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const startOpenAIFake = (
  options: { apiKey?: string; models?: string[]; embeddingDimensions?: number } = {},
): OpenAIFake => {
  let defaultReply: ChatReply = echoReply;
  const chatScripts: ChatScript[] = [];
  let embeddings: EmbeddingsBehaviour = {};
  let completionId = 0;

  const authError = (r: RecordedRequest): Response | undefined => {
    if (options.apiKey === undefined) return undefined;
    const header = r.headers.get("authorization") ?? "";
    if (!header.startsWith("Bearer ") || header.length <= 7) {
      return fail(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      );
    }
    const key = header.slice(7);
    if (key === options.apiKey) return undefined;
    return fail(
      401,
      `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      "invalid_api_key",
    );
  };

  const unknownModel = (model: string): Response | undefined =>
    options.models && !options.models.includes(model)
      ? fail(404, `The model \`${model}\` does not exist or you do not have access to it.`, "model_not_found")
      : undefined;

  const chat = (r: RecordedRequest): Response => {
    if (r.body === undefined)
      return fail(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
      );
    const parsed = chatBody.safeParse(r.body);
    if (!parsed.success) return invalid(parsed.error);
    const body = parsed.data;
    if (body.stream_options && !body.stream) {
      return fail(
        400,
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        "invalid_value",
        "stream_options",
      );
    }
    const notFound = unknownModel(body.model);
    if (notFound) return notFound;
    const script = chatScripts.shift() ?? {};
    const messages = body.messages.map((m) => ({ role: m.role, content: contentText(m.content) }));
    const reply = script.reply ?? defaultReply;
    const text = typeof reply === "string" ? reply : reply(messages, r.body ?? {});
    const usage = {
      prompt_tokens: messages.reduce((n, m) => n + countTokens(m.content), 0),
      completion_tokens: countTokens(text),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const head = {
      id: `chatcmpl-fake${++completionId}`,
      created: Math.floor(Date.now() / 1000),
      model: script.model ?? body.model,
      system_fingerprint: "fp_fake",
    };
    const finish = script.finishReason ?? "stop";
    if (!body.stream) {
      return json(200, {
        ...head,
        object: "chat.completion",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: text, refusal: null },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        ...(script.omitUsage ? {} : { usage }),
      });
    }
    const includeUsage = body.stream_options?.include_usage === true && !script.omitUsage;
    return sse(head, text, finish, includeUsage ? usage : undefined, script);
  };

  const sse = (
    head: Record<string, unknown>,
    text: string,
    finish: string,
    usage: Record<string, number> | undefined,
    script: ChatScript,
  ): Response => {
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ ...head, object: "chat.completion.chunk", choices, ...(usage ? { usage: null } : {}), ...extra })}\n\n`;
    const delta = (d: Record<string, unknown>, finishReason: string | null = null) =>
      chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);
    const pieces = text.match(/\s*\S+\s*|\s+/g) ?? [];
    const encoder = new TextEncoder();
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (line: string) => !cancelled && controller.enqueue(encoder.encode(line));
        send(delta({ role: "assistant", content: "", refusal: null }));
        for (const [i, piece] of pieces.entries()) {
          if (i === script.stallAfterChunks) return; // keeps the connection open, sends nothing more
          if (i === script.cutAfterChunks) return controller.close();
          if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
          if (cancelled) return;
          send(delta({ content: piece }));
        }
        send(delta({}, finish));
        if (usage) send(chunk([], { usage }));
        send("data: [DONE]\n\n");
        if (!cancelled) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  };

  const embed = (r: RecordedRequest): Response => {
    if (r.body === undefined) return fail(400, "We could not parse the JSON body of your request.");
    const parsed = embeddingsBody.safeParse(r.body);
    if (!parsed.success) {
      const inputIssue = parsed.error.issues[0]?.path[0] === "input";
      return inputIssue
        ? fail(
            400,
            "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
          )
        : invalid(parsed.error);
    }
    const body = parsed.data;
    const notFound = unknownModel(body.model);
    if (notFound) return notFound;
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    const dims = embeddings.forceDimensions ?? body.dimensions ?? options.embeddingDimensions ?? 64;
    let data = inputs.map((text, index) => {
      const vector = fakeEmbedding(text, dims);
      const embedding =
        body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
      return { object: "embedding", index, embedding };
    });
    if (embeddings.dropOne) data = data.slice(1);
    if (embeddings.reverseOrder) data = data.reverse();
    const tokens = inputs.reduce((n, t) => n + countTokens(t), 0);
    return json(200, {
      object: "list",
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };

  const server = startFakeServer((r) => {
    const denied = authError(r);
    if (denied) return denied;
    if (isChatRequest(r)) return chat(r);
    if (isEmbeddingsRequest(r)) return embed(r);
    if (r.method === "GET" && r.path === "/v1/models") {
      const ids = options.models ?? ["gpt-fake", "text-embedding-fake"];
      return json(200, {
        object: "list",
        data: ids.map((id) => ({ id, object: "model", created: 1700000000, owned_by: "xin-fake" })),
      });
    }
    return fail(404, `Invalid URL (${r.method} ${r.path})`);
  });

  const resetShared = server.reset;
  return Object.assign(server, {
    baseUrl: `${server.url}/v1`,
    /** Forgets requests, all scripts, the reply and the embeddings behaviour. */
    reset() {
      resetShared();
      chatScripts.length = 0;
      embeddings = {};
      defaultReply = echoReply;
    },
    setReply(reply: ChatReply) {
      defaultReply = reply;
    },
    scriptChat(script: ChatScript | ChatScript[]) {
      chatScripts.push(...(Array.isArray(script) ? script : [script]));
    },
    setEmbeddings(behaviour: EmbeddingsBehaviour) {
      embeddings = behaviour;
    },
    chatRequests: () => server.requests.filter(isChatRequest),
    embeddingRequests: () => server.requests.filter(isEmbeddingsRequest),
  });
};
