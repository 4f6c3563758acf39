// The llm room's public surface: OpenAI-compatible chat, streaming and embeddings with our own
// timeouts, retries and error codes, plus per-tenant usage accounting.
export { createChatClient, createEmbeddingsClient, type ChatClient, type ClientOptions } from "./client";
export {
  embeddingsConfigSchema,
  llmConfigSchema,
  LLM_SECRET_KEYS,
  type EmbeddingsConfig,
  type LlmConfig,
} from "./config";
export type { EmbeddingsClient } from "./embeddings";
export { isLlmError, LlmError, type LlmErrorCode } from "./errors";
export { stripThinking } from "./think";
export type { ChatMessage, ChatOptions, ChatResult, ChatRole, EmbedOptions, StreamEvent, TokenUsage } from "./types";
export {
  createUsageMeter,
  noopUsageMeter,
  UNATTRIBUTED_TENANT,
  type InMemoryUsageMeter,
  type UsageKind,
  type UsageMeter,
  type UsageRecord,
  type UsageTotals,
} from "./usage";
