// The llm room's config sections live with the one config schema (runtime/config/llm.ts).
export {
  embeddingsConfigSchema,
  llmConfigSchema,
  LLM_SECRET_KEYS,
  type EmbeddingsConfig,
  type LlmConfig,
} from "../runtime/config";
