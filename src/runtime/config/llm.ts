import { z } from "zod";

/**
 * Config sections of the llm room, mounted in `schema.ts` as `llm`
 * and `embeddings`, each `.optional()`: a missing section means "not configured" (DESIGN §5: xin
 * answers from the knowledge base alone; §4: retrieval runs lexical-only). Numbers are coerced because
 * env overrides (`XIN_LLM__TIMEOUT_MS`) arrive as strings.
 */

// Only http(s): the SDK would accept any scheme and fail later with a confusing network error.
const baseUrl = z
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "must be an http:// or https:// URL")
  .transform((u) => u.replace(/\/+$/, ""));

// An empty value means "no key" (`XIN_LLM__API_KEY=` in an env file, a compose default of ""), not an error.
const apiKey = z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional());

export const llmConfigSchema = z
  .object({
    base_url: baseUrl.describe(
      "OpenAI-compatible API base URL, including /v1: e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM), https://api.openai.com/v1, https://openrouter.ai/api/v1",
    ),
    model: z.string().min(1).describe("chat model name as the endpoint knows it, e.g. gpt-4o-mini or llama3.1:8b"),
    api_key: apiKey.describe("API key sent as a Bearer token; leave unset (or empty) for local servers that need none"),
    timeout_ms: z.coerce
      .number()
      .int()
      .min(100)
      .default(60_000)
      .describe(
        "budget for one answer, retries included; for streams, the wait for the first token and between tokens",
      ),
    max_retries: z.coerce
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe("retries after the first attempt on 429, 408, 5xx and network errors (never on other 4xx)"),
    temperature: z.coerce
      .number()
      .min(0)
      .max(2)
      .optional()
      .describe("sampling temperature; unset sends none (some reasoning models accept only their default)"),
    max_tokens: z.coerce
      .number()
      .int()
      .min(1)
      .default(1024)
      .describe("cap on tokens generated per answer (guards against runaway generations of small local models)"),
  })
  .strict();

export const embeddingsConfigSchema = z
  .object({
    base_url: baseUrl.describe(
      "OpenAI-compatible embeddings base URL, including /v1: e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (TEI), https://api.openai.com/v1",
    ),
    model: z.string().min(1).describe("embedding model name, e.g. text-embedding-3-small or nomic-embed-text"),
    api_key: apiKey.describe("API key sent as a Bearer token; leave unset (or empty) for local servers that need none"),
    dimensions: z.coerce
      .number()
      .int()
      .min(1)
      .max(16_384)
      .optional()
      .describe(
        "requested vector size (models that support shortening, e.g. text-embedding-3-*); unset uses the model's own",
      ),
    batch_size: z.coerce
      .number()
      .int()
      .min(1)
      .max(2048)
      .default(64)
      .describe("texts per embeddings request (OpenAI accepts up to 2048; local servers often prefer 16-64)"),
    timeout_ms: z.coerce.number().int().min(100).default(30_000).describe("budget for one batch, retries included"),
    max_retries: z.coerce
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe("retries per batch after the first attempt on 429, 408, 5xx and network errors"),
  })
  .strict();

export type LlmConfig = z.infer<typeof llmConfigSchema>;
export type EmbeddingsConfig = z.infer<typeof embeddingsConfigSchema>;

/** Config key paths holding secrets: for the integrator's `SECRET_KEYS` (masked in every printout). */
export const LLM_SECRET_KEYS = ["llm.api_key", "embeddings.api_key"] as const;
