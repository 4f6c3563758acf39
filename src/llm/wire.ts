/**
 * The parts of provider responses xin relies on, parsed defensively. The SDK's types describe
 * OpenAI's API; local servers (Ollama, vLLM, llama.cpp, TEI) differ in the details: `usage` may be
 * missing or null, `finish_reason` null, `content` null, extra fields everywhere. Anything beyond
 * these shapes is ignored; anything short of them is `llm.invalid_response`.
 */
import { z } from "zod";
import { LlmError } from "./errors";
import type { ServiceLabel } from "./classify";

const usage = z
  .object({
    prompt_tokens: z.number().int().nonnegative().optional(),
    completion_tokens: z.number().int().nonnegative().optional(),
  })
  .loose()
  .nullish();

export const chatCompletionWire = z
  .object({
    model: z.string().optional(),
    choices: z
      .array(
        z
          .object({
            message: z.object({ content: z.string().nullish() }).loose(),
            finish_reason: z.string().nullish(),
          })
          .loose(),
      )
      .min(1),
    usage,
  })
  .loose();

export const chatChunkWire = z
  .object({
    model: z.string().optional(),
    // Empty in the final usage chunk (`stream_options.include_usage`).
    choices: z
      .array(
        z
          .object({
            delta: z.object({ content: z.string().nullish() }).loose().nullish(),
            finish_reason: z.string().nullish(),
          })
          .loose(),
      )
      .default([]),
    usage,
  })
  .loose();

export const embeddingsWire = z
  .object({
    model: z.string().optional(),
    data: z.array(
      z.object({ index: z.number().int().nonnegative().optional(), embedding: z.array(z.number()) }).loose(),
    ),
    usage,
  })
  .loose();

export type WireUsage = z.infer<typeof usage>;

/** Parses `value` or throws a final `llm.invalid_response` naming what was wrong (no payload echoed). */
export const parseWire = <T>(schema: z.ZodType<T>, value: unknown, service: ServiceLabel, what: string): T => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue ? issue.path.join(".") || "(root)" : "(root)";
  throw invalidResponse(service, `${what}: unexpected shape at ${path}`);
};

export const invalidResponse = (service: ServiceLabel, detail: string): LlmError =>
  new LlmError("llm.invalid_response", `${service} endpoint sent an unusable response (${detail})`, {
    retryable: false,
  });

/** ~4 characters a token: the usual rule of thumb, used only when the provider reports nothing. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
