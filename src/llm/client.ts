/**
 * The factories the integrator calls: one chat client per configured `llm` section, one embeddings
 * client per `embeddings` section. Building a client opens nothing (no request until the first call),
 * so it is safe at composition time; both clients hold no per-call state and are safe for concurrent use.
 */
import { silentLogger, withSpan, withStreamSpan, type Logger } from "../runtime";
import { chat } from "./chat";
import type { EmbeddingsConfig, LlmConfig } from "./config";
import { createEmbeddingsClientWith, type EmbeddingsClient } from "./embeddings";
import { DEFAULT_RETRY_DELAYS, type RetryPolicy } from "./retry";
import { createSdk, listModels } from "./sdk";
import { stream } from "./stream";
import type { ChatMessage, ChatOptions, ChatResult, StreamEvent } from "./types";
import { noopUsageMeter, type UsageMeter } from "./usage";

/**
 * - `chat`: one complete answer. Resolves within `llm.timeout_ms` (retries included) or rejects with an
 *   `LlmError` (errors.ts).
 * - `stream`: the same answer as text deltas, then one `end` event with the `ChatResult` (stream.ts has
 *   the timing and retry contract).
 * Both record one `UsageRecord` per call in the meter, success or failure.
 * - `models`: the ids the endpoint serves (one attempt, for status and config checks; not metered).
 */
export type ChatClient = {
  readonly model: string;
  chat(messages: readonly ChatMessage[], opts?: ChatOptions): Promise<ChatResult>;
  stream(messages: readonly ChatMessage[], opts?: ChatOptions): AsyncIterable<StreamEvent>;
  models(opts?: { signal?: AbortSignal }): Promise<string[]>;
};

export type ClientOptions = {
  meter?: UsageMeter;
  log?: Logger;
  /** Replaces the global fetch (an HTTP proxy, tests). */
  fetch?: typeof fetch;
  /** Backoff steps; defaults suit real providers, tests shrink them. */
  retryDelays?: { baseDelayMs: number; maxDelayMs: number };
};

const policyOf = (maxRetries: number, options: ClientOptions): RetryPolicy => ({
  maxRetries,
  ...(options.retryDelays ?? DEFAULT_RETRY_DELAYS),
});

export const createChatClient = (config: LlmConfig, options: ClientOptions = {}): ChatClient => {
  const sdk = createSdk({
    baseUrl: config.base_url,
    apiKey: config.api_key,
    timeoutMs: config.timeout_ms,
    fetch: options.fetch,
  });
  const deps = {
    sdk,
    config,
    policy: policyOf(config.max_retries, options),
    meter: options.meter ?? noopUsageMeter,
    log: (options.log ?? silentLogger).child({ room: "llm" }),
  };
  return {
    model: config.model,
    chat: (messages, opts) =>
      withSpan("llm chat", { kind: "client", attributes: { "gen_ai.request.model": config.model } }, async (span) => {
        const result = await chat(deps, messages, opts);
        span.setAttributes({
          "gen_ai.usage.input_tokens": result.usage.prompt_tokens,
          "gen_ai.usage.output_tokens": result.usage.completion_tokens,
        });
        return result;
      }),
    stream: (messages, opts) =>
      withStreamSpan("llm stream", { kind: "client", attributes: { "gen_ai.request.model": config.model } }, () =>
        stream(deps, messages, opts),
      ),
    models: (opts) => listModels(sdk, config.timeout_ms, "LLM", opts?.signal),
  };
};

export const createEmbeddingsClient = (config: EmbeddingsConfig, options: ClientOptions = {}): EmbeddingsClient => {
  const sdk = createSdk({
    baseUrl: config.base_url,
    apiKey: config.api_key,
    timeoutMs: config.timeout_ms,
    fetch: options.fetch,
  });
  return createEmbeddingsClientWith({
    sdk,
    config,
    policy: policyOf(config.max_retries, options),
    meter: options.meter ?? noopUsageMeter,
    log: (options.log ?? silentLogger).child({ room: "llm", service: "embeddings" }),
  });
};
