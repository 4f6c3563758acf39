import { fail, pass, stringList, type Guardrail } from "./types";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Topics a brand never discusses (politics, medical advice, a competitor): the customer's message or
 * the draft mentions one. Options: `topics` — words or phrases, matched case-insensitively on word
 * boundaries. With no topics configured it always passes.
 */
export const blockedTopics: Guardrail = {
  code: "blocked_topic",
  description: "the message or the answer touches a topic the brand blocked",
  stages: ["input", "output"],
  streamable: true,
  evaluate: ({ stage, question, draft, options }) => {
    const topics = stringList(options.topics);
    if (topics.length === 0) return pass;
    const text = stage === "input" ? question : (draft ?? "");
    const hit = topics.find((t) =>
      new RegExp(`(^|[^\\p{L}\\p{N}])${escape(t.toLowerCase())}($|[^\\p{L}\\p{N}])`, "u").test(text.toLowerCase()),
    );
    return hit ? fail(`topic "${hit}" in the ${stage === "input" ? "message" : "answer"}`) : pass;
  },
};
