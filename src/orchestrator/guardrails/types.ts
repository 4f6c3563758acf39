import type { BrandProfile, Confidence, Passage, Turn } from "../types";

/**
 * When an evaluator runs: `input` before any LLM call (the customer's text and the retrieved
 * passages: a failure here costs no tokens and no draft is written), `output` on the draft answer.
 */
export type GuardrailStage = "input" | "output";

/** What an evaluator sees. `draft` and `confidence` are null at the input stage. */
export type GuardrailInput = {
  stage: GuardrailStage;
  /** The customer's unanswered message(s), joined: a burst is judged as a whole. */
  question: string;
  history: readonly Turn[];
  brand: BrandProfile;
  passages: readonly Passage[];
  draft: string | null;
  confidence: Confidence | null;
  /** Whether the draft came from the LLM or is a knowledge passage (no LLM configured). */
  mode: "llm" | "knowledge";
  now: Date;
  /** This evaluator's per-brand options: `brands.policies.guardrails[code]`, `{}` when unset. */
  options: Record<string, unknown>;
};

export type GuardrailVerdict = { passed: boolean; detail?: string };

/**
 * A guardrail: one check with a stable reason code. Contract:
 * - `code` is snake_case and never changes (it is stored as the escalation's reason and shown to agents);
 * - `evaluate` is side-effect free, may be async, and should be quick (it runs on every answer); a
 *   throw counts as a failure (`detail` says so): a broken check never lets a draft through;
 * - `stages` says when it runs; a failure at any stage escalates the conversation with `code`;
 * - it is on for every brand unless `enabledByDefault` is false; a brand turns it on or off with
 *   `policies.guardrails.<code>.enabled`;
 * - `streamable: true` (output stage) promises it can judge the start of a draft still being written:
 *   `draft` is then the text so far and `confidence` is projected from it (its grounding, the retrieval,
 *   the model signal of the text so far). A failure there holds back the rest of the live text; the
 *   finished draft is judged again as always. A brand with an enabled output guardrail that is not
 *   streamable gets no live text (see live-draft.ts).
 * Custom guardrails (config `answer.guardrails_dir`) follow the same contract: a module whose default
 * export (or named export `guardrail`) is this object. See examples/guardrails/.
 */
export type Guardrail = {
  code: string;
  description: string;
  stages: readonly GuardrailStage[];
  enabledByDefault?: boolean;
  streamable?: boolean;
  evaluate(input: GuardrailInput): GuardrailVerdict | Promise<GuardrailVerdict>;
};

export const pass: GuardrailVerdict = { passed: true };
export const fail = (detail: string): GuardrailVerdict => ({ passed: false, detail });

/** Reads a list of non-empty strings from an options value; anything else gives `fallback`. */
export const stringList = (value: unknown, fallback: string[] = []): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "") : fallback;

/** Reads a number in [min, max] from an options value; anything else gives `fallback`. */
export const numberIn = (value: unknown, min: number, max: number, fallback: number): number =>
  typeof value === "number" && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
