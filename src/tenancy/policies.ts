/**
 * The write-side contract of `brands.policies`: what an admin may store, checked strictly so a typo or a
 * wrong type is a 400 naming the key (`policies.min_confidence: expected a number 0..1`) instead of a
 * value the answering path silently ignores. The reader (orchestrator/policies.ts `parsePolicies`)
 * stays lenient on purpose: rows written before this check, or by hand, must never stop a brand's
 * answers. Keys mirror that reader and the guardrails' options (README "Per brand, in brands.policies").
 */
import { z } from "zod";

const fraction = z
  .number({ error: "expected a number 0..1" })
  .min(0, { error: "expected a number 0..1" })
  .max(1, { error: "expected a number 0..1" });

/** An object of exactly these keys; an unknown one is reported at its own path, with the known ones. */
const strictShape = <S extends z.ZodRawShape>(shape: S) =>
  z.looseObject(shape, { error: "expected an object" }).superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (!(key in shape))
        ctx.addIssue({ code: "custom", message: `unknown key; known: ${Object.keys(shape).join(", ")}`, path: [key] });
    }
  });
const words = z.array(z.string().min(1).max(500), { error: "expected a list of strings" }).max(500);
const DAY_RANGES = /^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*(,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*)*$/;

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const dayRanges = z.string().regex(DAY_RANGES, { error: 'expected ranges like "09:00-12:00, 13:00-18:00"' }).optional();

const enabled = z.boolean({ error: "expected true or false" }).optional();

/** Options of the built-in guardrails that take any; each also accepts `enabled`. */
const builtIn = {
  blocked_topic: strictShape({ enabled, topics: words.optional() }),
  authorization_required: strictShape({ enabled, actions: words.optional() }),
  human_requested: strictShape({ enabled, phrases: words.optional() }),
  language_mismatch: strictShape({ enabled, accept: words.optional() }),
  low_confidence: strictShape({ enabled, min: fraction.optional(), default_min: fraction.optional() }),
  unsupported_answer: strictShape({ enabled, min_grounding: fraction.optional() }),
  outside_hours: strictShape({
    enabled,
    timezone: z.string().refine(isTimeZone, { error: "expected an IANA time zone, e.g. Europe/Berlin" }).optional(),
    hours: strictShape(Object.fromEntries(DAYS.map((day) => [day, dayRanges]))).optional(),
  }),
} as const;

// Other guardrails (prompt_injection, pii_in_answer, custom modules) take options of their own: only
// `enabled` is checked, the rest is theirs.
const otherGuardrail = z.looseObject({ enabled });

const guardrails = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, { error: "expected a guardrail code (snake_case)" }), z.unknown())
  .superRefine((value, ctx) => {
    for (const [code, options] of Object.entries(value)) {
      const schema = code in builtIn ? builtIn[code as keyof typeof builtIn] : otherGuardrail;
      const parsed = schema.safeParse(options);
      for (const issue of parsed.error?.issues ?? [])
        ctx.addIssue({ code: "custom", message: issue.message, path: [code, ...issue.path] });
    }
  });

const text = z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty string" }).max(1000);
const languageCode = z
  .string()
  .regex(/^[a-z]{2}([-_][a-z0-9]+)?$/i, { error: "expected a language code such as de or pt-BR" });

export const brandPoliciesInput = strictShape({
  holding_message: text.optional(),
  holding_messages: z.record(languageCode, text, { error: "expected an object of language code → message" }).optional(),
  languages: z.array(languageCode, { error: "expected a list of language codes" }).max(50).optional(),
  min_confidence: fraction.optional(),
  attribution: z.enum(["none", "title", "url"], { error: "expected none, title or url" }).optional(),
  guardrails: guardrails.optional(),
  non_text: strictShape({
    reply: text.optional(),
    escalate: z.boolean({ error: "expected true or false" }).optional(),
  }).optional(),
});

export type BrandPoliciesInput = z.output<typeof brandPoliciesInput>;
