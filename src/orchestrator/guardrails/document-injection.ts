import { injectionSigns } from "./injection-patterns";
import { fail, pass, type Guardrail } from "./types";

/**
 * The passages' findings, kept by text (as their terms and facts are, confidence.ts, support.ts): the
 * same chunks answer most questions, and each answer asked twice per passage (the drop, the check).
 */
const KEPT = 2048;
const signsByText = new Map<string, string[]>();
const passageSigns = (text: string): string[] => {
  let signs = signsByText.get(text);
  if (!signs) {
    signs = injectionSigns(text);
    if (signsByText.size >= KEPT) signsByText.delete(signsByText.keys().next().value!);
    signsByText.set(text, signs);
  }
  return signs;
};

/**
 * The second line behind the ingest-time quarantine (rag/ingest/quarantine/): a retrieved passage
 * that still carries instructions for the assistant (knowledge stored before the check, a wording
 * it missed, a backend filled by other means). The pipeline leaves such passages out of the prompt
 * (`dropPoisoned`) and answers from the rest, so one poisoned document no longer blocks every
 * question near it; this check records what was dropped, and escalates only when nothing clean was
 * retrieved — then the poisoned text is all the knowledge had to say.
 * A brand may set `enabled: false` to skip even that escalation.
 */
export const documentInjection: Guardrail = {
  code: "document_injection",
  description: "instructions planted in a retrieved knowledge document",
  stages: ["input"],
  evaluate: ({ passages }) => {
    const poisoned = passages.filter((p) => passageSigns(p.text).length > 0);
    if (poisoned.length === 0) return pass;
    const detail = `in ${poisoned.map((p) => p.chunk_id).join(", ")}`;
    return poisoned.length === passages.length ? fail(detail) : { passed: true, detail: `dropped ${detail}` };
  },
};

/** The passages that look clean: what the prompt may contain whatever the guardrail's setting. */
export const dropPoisoned = <P extends { text: string }>(passages: readonly P[]): P[] =>
  passages.filter((p) => passageSigns(p.text).length === 0);
