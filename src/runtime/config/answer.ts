import { z } from "zod";

/**
 * The `answer` section: how the respond step behaves instance-wide. Per-brand behaviour (guardrail
 * switches, blocked topics, business hours, holding message) lives in the brand's `policies`, not here,
 * so one instance can host brands with different rules.
 */
export const answerConfigSchema = z
  .object({
    quiet_window_ms: z.coerce
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(2_000)
      .describe(
        "how long a customer must be quiet before a burst of messages is answered as a whole (0: answer at once)",
      ),
    history_tokens: z.coerce
      .number()
      .int()
      .min(0)
      .default(1_500)
      .describe("token budget for earlier conversation turns in the prompt"),
    top_k: z.coerce.number().int().min(1).max(50).default(6).describe("knowledge passages retrieved per answer"),
    min_confidence: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(0.45)
      .describe(
        "answers below this confidence (0..1) escalate with reason low_confidence; a brand policy may override it",
      ),
    contact_answers_per_minute: z.coerce
      .number()
      .int()
      .min(0)
      .default(6)
      .describe(
        "most answers per conversation per minute when an LLM is configured; more wait and are answered together (0: no limit)",
      ),
    tenant_llm_answers_per_minute: z.coerce
      .number()
      .int()
      .min(0)
      .default(600)
      .describe(
        "most LLM answers per tenant per minute; more wait their turn, then escalate as rate_limited (0: no limit)",
      ),
    guardrails_dir: z
      .string()
      .min(1)
      .optional()
      .describe(
        "folder of custom guardrail modules (*.ts / *.js, see examples/guardrails); unset: built-in guardrails only",
      ),
  })
  .strict();

export type AnswerConfig = z.infer<typeof answerConfigSchema>;
