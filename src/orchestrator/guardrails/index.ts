import { errorText } from "../../runtime";
import { guardrailOptionsOf, isGuardrailEnabled } from "../policies";
import type { GuardrailDecision } from "../types";
import { adviceRequired } from "./advice";
import { authorizationRequired } from "./authorization";
import { blockedTopics } from "./blocked-topics";
import { outsideHours } from "./business-hours";
import { complaint } from "./complaint";
import { documentInjection } from "./document-injection";
import { humanRequest } from "./human-request";
import { languageMismatch } from "./language";
import { lowConfidence } from "./low-confidence";
import { needsTranslation } from "./needs-translation";
import { noAnswer } from "./no-answer";
import { personalData } from "./personal-data";
import { piiInAnswer } from "./pii";
import { promptInjection } from "./prompt-injection";
import type { Guardrail, GuardrailInput, GuardrailStage } from "./types";
import { unsupportedAnswer } from "./unsupported";

export { dropPoisoned } from "./document-injection";
export { detectLanguage } from "./language";
export { findPii } from "./pii";
export { loadCustomGuardrails } from "./custom";
export type { Guardrail, GuardrailInput, GuardrailStage, GuardrailVerdict } from "./types";

/**
 * The built-in evaluators, in the order their reason wins when several fail: the customer's own words
 * first (injection, asking for a person), then the knowledge, the brand's rules, and the draft.
 */
export const BUILT_IN_GUARDRAILS: readonly Guardrail[] = [
  promptInjection,
  humanRequest,
  complaint,
  documentInjection,
  outsideHours,
  authorizationRequired,
  personalData,
  adviceRequired,
  blockedTopics,
  languageMismatch,
  piiInAnswer,
  noAnswer,
  needsTranslation,
  unsupportedAnswer,
  lowConfidence,
];

/**
 * Runs every enabled evaluator of `stage`, in list order, and returns one decision per evaluator run.
 * An evaluator that throws fails (a broken check must not wave a draft through). `defaults` are
 * instance-level options merged under the brand's (e.g. the instance's minimum confidence).
 */
export const runGuardrails = async (
  guardrails: readonly Guardrail[],
  stage: GuardrailStage,
  input: Omit<GuardrailInput, "stage" | "options">,
  defaults: Record<string, Record<string, unknown>> = {},
): Promise<GuardrailDecision[]> => {
  const decisions: GuardrailDecision[] = [];
  for (const g of guardrails) {
    if (!g.stages.includes(stage) || !isGuardrailEnabled(input.brand.policies, g.code, g.enabledByDefault ?? true))
      continue;
    const options = { ...defaults[g.code], ...guardrailOptionsOf(input.brand.policies, g.code) };
    try {
      const verdict = await g.evaluate({ ...input, stage, options });
      decisions.push({
        code: g.code,
        passed: verdict.passed === true,
        ...(verdict.detail ? { detail: verdict.detail } : {}),
      });
    } catch (e) {
      decisions.push({ code: g.code, passed: false, detail: `the check failed: ${errorText(e)}` });
    }
  }
  return decisions;
};

/** The reason code of the first failed decision, or null when all passed. */
export const firstFailure = (decisions: readonly GuardrailDecision[]): string | null =>
  decisions.find((d) => !d.passed)?.code ?? null;
