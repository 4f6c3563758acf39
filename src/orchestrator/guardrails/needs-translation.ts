import { detectLanguage } from "./language";
import { fail, pass, type Guardrail } from "./types";

/**
 * Knowledge mode (no LLM) only: the customer writes in one language and the passage that would be sent
 * is in another — e.g. a German question the brand accepts, answered from English documents. Nothing
 * can translate it, so a person answers; the holding message goes out in the customer's language.
 * With an LLM the model answers in the customer's language (prompt.ts) and this passes.
 */
export const needsTranslation: Guardrail = {
  code: "needs_translation",
  description: "without an LLM, the answer would be in another language than the customer's",
  stages: ["output"],
  streamable: true,
  evaluate: ({ mode, question, draft }) => {
    if (mode !== "knowledge" || !draft) return pass;
    const asked = detectLanguage(question);
    const answer = asked ? detectLanguage(draft) : null;
    return asked && answer && asked !== answer ? fail(`the customer wrote ${asked}, the passage is ${answer}`) : pass;
  },
};
