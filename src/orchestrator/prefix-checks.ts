import type { Analyzer } from "../rag";
import { blend, grounding, modelSignal } from "./confidence";
import { firstFailure, runGuardrails, type Guardrail, type GuardrailInput } from "./guardrails";
import { isGuardrailEnabled } from "./policies";
import type { Passage } from "./types";

/**
 * Judges the live text of a draft: `shown` (what the customer already saw) followed by `piece` (what
 * would be shown next). Resolves null when the piece may be shown, else the reason code of the check
 * that holds it back.
 */
export type PrefixJudge = (shown: string, piece: string) => Promise<string | null>;

export type PrefixScope = {
  guardrails: readonly Guardrail[];
  common: Pick<GuardrailInput, "question" | "history" | "brand" | "mode" | "now">;
  passages: readonly Passage[];
  /** Retrieval strength of the turn, as the finished draft's confidence will use it. */
  retrieval: number;
  analyzer: Analyzer;
  defaults: Record<string, Record<string, unknown>>;
};

/**
 * The per-piece checks of a live draft, or null when this brand's output guardrails cannot judge
 * partial text (one enabled is not `streamable`): then nothing is shown before the full checks.
 *
 * Every enabled output guardrail judges the text so far with a confidence projected from it. Its
 * grounding is the lower of the text so far and the new piece alone, so an unsupported sentence is
 * held back even after well-grounded ones; the model signal is that of a finished answer (a hedge in
 * the text still counts). A failure holds the piece, and with it the rest of the draft, until the
 * finished draft is judged — which decides, as for every answer.
 */
export const prefixJudge = (scope: PrefixScope): PrefixJudge | null => {
  const { brand, question } = scope.common;
  const output = scope.guardrails.filter(
    (g) => g.stages.includes("output") && isGuardrailEnabled(brand.policies, g.code, g.enabledByDefault ?? true),
  );
  if (output.some((g) => g.streamable !== true)) return null;
  const grounded = (text: string) => grounding(scope.analyzer, text, scope.passages, question);
  return async (shown, piece) => {
    const draft = shown + piece;
    const confidence = blend(scope.retrieval, Math.min(grounded(draft), grounded(piece)), modelSignal("stop", draft));
    const decisions = await runGuardrails(
      output,
      "output",
      { ...scope.common, passages: scope.passages, draft, confidence },
      scope.defaults,
    );
    return firstFailure(decisions);
  };
};
