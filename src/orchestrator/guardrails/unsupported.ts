import { fail, numberIn, pass, type Guardrail } from "./types";

/**
 * The draft is not supported by the retrieved passages: too little of what it says can be found in
 * them (`confidence.grounding`, the share of the answer's content words present in the passages it
 * drew on). Options: `min_grounding` (default 0.5). Knowledge-mode answers are passages themselves.
 */
export const unsupportedAnswer: Guardrail = {
  code: "unsupported_answer",
  description: "the answer is not supported by the retrieved knowledge",
  stages: ["output"],
  streamable: true,
  evaluate: ({ draft, confidence, passages, options }) => {
    if (!draft || !confidence) return pass;
    if (passages.length === 0) return fail("no knowledge was retrieved for this question");
    const min = numberIn(options.min_grounding, 0, 1, 0.5);
    return confidence.grounding < min ? fail(`grounding ${confidence.grounding.toFixed(2)} < ${min}`) : pass;
  },
};
