import { fail, numberIn, pass, type Guardrail } from "./types";

/**
 * The answer's overall confidence is below the brand's threshold: options `min` (0..1), else the
 * brand policy `min_confidence`, else the instance's `answer.min_confidence` (passed in by the
 * pipeline as `options.default_min`).
 */
export const lowConfidence: Guardrail = {
  code: "low_confidence",
  description: "the answer's confidence is below the brand's threshold",
  stages: ["output"],
  streamable: true,
  evaluate: ({ confidence, options, brand }) => {
    if (!confidence) return pass;
    const fallback = brand.policies.min_confidence ?? numberIn(options.default_min, 0, 1, 0.45);
    const min = numberIn(options.min, 0, 1, fallback);
    return confidence.value < min ? fail(`confidence ${confidence.value.toFixed(2)} < ${min}`) : pass;
  },
};
