/** The shapes callers of the llm room exchange. Plain text in, plain text out: no tools, no JSON mode. */

export type ChatRole = "system" | "user" | "assistant";

export type ChatMessage = { role: ChatRole; content: string };

export type TokenUsage = { prompt_tokens: number; completion_tokens: number };

export type ChatOptions = {
  /** Tenant the tokens are charged to in the usage meter; omit for unattributed work. */
  tenantId?: string;
  /** Cancels the call (e.g. the job lost its lease); the error is then `llm.cancelled`. */
  signal?: AbortSignal;
  /** Per-call overrides of the configured values. */
  temperature?: number;
  maxTokens?: number;
  model?: string;
  stop?: string[];
};

export type ChatResult = {
  text: string;
  usage: TokenUsage;
  /**
   * "provider" when the endpoint reported token counts; "estimate" when it did not (some local
   * servers omit usage, especially when streaming) and we counted ~4 characters a token.
   */
  usage_source: "provider" | "estimate";
  /** `stop`, `length` (hit max_tokens), `content_filter`, ... as the provider said; "unknown" if it did not. */
  finish_reason: string;
  /** Wall time of the whole call, retries and backoff included. */
  latency_ms: number;
  /** The model that answered, as the provider named it. */
  model: string;
  attempts: number;
};

/** What a stream yields: text deltas as they arrive, then exactly one `end` (on success). */
export type StreamEvent =
  { type: "delta"; text: string } | { type: "end"; result: ChatResult & { first_token_ms: number } };

export type EmbedOptions = {
  tenantId?: string;
  signal?: AbortSignal;
};
