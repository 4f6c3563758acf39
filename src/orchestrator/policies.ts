import { z } from "zod";

/**
 * A brand's answering policies, read from `brands.policies` (jsonb written by admins and other rooms).
 * Read defensively: unknown keys are kept for their owners, and a malformed value falls back to its
 * default instead of failing every answer of the brand.
 *
 * ```json
 * { "holding_message": "Thanks! A colleague will reply shortly.",
 *   "holding_messages": { "de": "Danke! Eine Kollegin antwortet gleich." },
 *   "languages": ["en", "de"],
 *   "min_confidence": 0.5,
 *   "attribution": "none",
 *   "guardrails": { "blocked_topic": { "topics": ["politics", "competitor prices"] },
 *                   "outside_hours": { "timezone": "Europe/Berlin", "hours": { "mon": "09:00-18:00" } },
 *                   "language_mismatch": { "enabled": false } } }
 * ```
 * `guardrails.<code>` configures the evaluator with that reason code; `enabled: false` switches it off.
 * `non_text` is what a turn with no words gets (a bare photo, voice note, pin, contact card, sticker,
 * content the provider could not render): `{ "reply": "Thanks for the photo! …", "escalate": true }`.
 * Default: escalate as `unsupported_content` with the holding message; `reply`, when set, is sent
 * instead of it (with `escalate: false`, as the whole answer). Never nothing.
 * `languages`: the languages the brand answers customers in, besides the persona's own (ISO 639-1 codes);
 * `holding_messages`: the holding message per customer language (built-in translations otherwise).
 */
const guardrailOptions = z.record(z.string(), z.record(z.string(), z.unknown()).catch({})).catch({});

export const brandPoliciesSchema = z
  .object({
    holding_message: z.string().min(1).optional().catch(undefined),
    holding_messages: z.record(z.string(), z.string().min(1)).optional().catch(undefined),
    languages: z
      .array(z.string().regex(/^[a-z]{2}([-_][a-z0-9]+)?$/i))
      .optional()
      .catch(undefined),
    min_confidence: z.number().min(0).max(1).optional().catch(undefined),
    /** What a knowledge-mode reply says about its source: nothing, the document's title, or a crawled page's URL. */
    attribution: z.enum(["none", "title", "url"]).default("none").catch("none"),
    guardrails: guardrailOptions.default({}),
    non_text: z
      .object({
        reply: z.string().trim().min(1).optional().catch(undefined),
        escalate: z.boolean().default(true).catch(true),
      })
      // Neither a reply nor an escalation would be silence: such a policy escalates.
      .transform((p) => (p.reply === undefined ? { ...p, escalate: true } : p))
      .optional()
      .catch(undefined),
  })
  .loose();

export type BrandPolicies = z.infer<typeof brandPoliciesSchema>;

export const parsePolicies = (raw: unknown): BrandPolicies => {
  const parsed = brandPoliciesSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : { attribution: "none", guardrails: {} };
};

/** The per-brand options of one guardrail (`{}` when none are set). */
export const guardrailOptionsOf = (policies: BrandPolicies, code: string): Record<string, unknown> =>
  policies.guardrails[code] ?? {};

export const isGuardrailEnabled = (policies: BrandPolicies, code: string, byDefault = true): boolean => {
  const enabled = guardrailOptionsOf(policies, code).enabled;
  return typeof enabled === "boolean" ? enabled : byDefault;
};

/** ISO 639-1 part of a language tag: "de-AT" → "de". */
export const baseLanguage = (tag: string): string => tag.toLowerCase().split(/[-_]/)[0] ?? "";

/** The languages a brand answers in: its persona's first, then those its policies declare. */
export const brandLanguages = (persona: { language: string }, policies: BrandPolicies): string[] => [
  ...new Set([persona.language || "en", ...(policies.languages ?? [])].map(baseLanguage).filter(Boolean)),
];
