import { injectionSigns } from "./injection-patterns";
import { fail, pass, type Guardrail } from "./types";

/**
 * A retrieved knowledge passage carries instructions for the assistant (a planted document, a crawled
 * page someone edited). The pipeline already leaves such passages out of the prompt (see
 * `dropPoisoned`); this check also escalates, so an owner learns their knowledge base holds one.
 * A brand may set `enabled: false` to keep answering from the remaining passages.
 */
export const documentInjection: Guardrail = {
  code: "document_injection",
  description: "instructions planted in a retrieved knowledge document",
  stages: ["input"],
  evaluate: ({ passages }) => {
    const poisoned = passages.filter((p) => injectionSigns(p.text).length > 0);
    return poisoned.length ? fail(`in ${poisoned.map((p) => p.chunk_id).join(", ")}`) : pass;
  },
};

/** The passages that look clean: what the prompt may contain whatever the guardrail's setting. */
export const dropPoisoned = <P extends { text: string }>(passages: readonly P[]): P[] => passages.filter((p) => injectionSigns(p.text).length === 0);
