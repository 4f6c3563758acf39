import { injectionSigns } from "./injection-patterns";
import { fail, pass, type Guardrail } from "./types";

/** The customer's text tries to instruct the assistant (ignore your rules, reveal your prompt, jailbreak). */
export const promptInjection: Guardrail = {
  code: "prompt_injection",
  description: "prompt injection or jailbreak attempt in the customer's message",
  stages: ["input"],
  evaluate: ({ question }) => {
    const signs = injectionSigns(question);
    return signs.length ? fail(`matched ${signs.join(", ")}`) : pass;
  },
};
