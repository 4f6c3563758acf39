import { fail, pass, stringList, type Guardrail } from "./types";

// Asking for a person, in the languages brands most often run in. Hand-off is decided here, on the
// customer's words — never by a keyword the model has to write.
const PATTERNS = [
  /\b(talk|speak|chat|connect|transfer)\b.{0,25}\b(to|with)\b.{0,15}\b(a |an |the |some |your )?(human|person|people|agent|representative|rep|operator|somebody|someone|staff|manager|colleague)\b/,
  /\b(real|actual|live)\s+(person|human|agent|people)\b/,
  /\b(human|live)\s+(agent|support|help)\b/,
  /\bare\s+you\s+a\s+(bot|robot|machine)\b.{0,40}\b(human|person)\b/,
  /\b(mit\s+einem\s+(menschen|mitarbeiter|berater)|echten?\s+menschen)\b/,
  /\b(parler|discuter)\s+(a|avec)\s+(un|une|quelqu'un)\b.{0,15}\b(humain|personne|conseiller|agent)?/,
  /\b(hablar)\s+con\s+(una?\s+)?(persona|humano|agente)\b/,
];

/** The customer asks for a human. Options: `phrases` — extra phrases that count as asking (substring match). */
export const humanRequest: Guardrail = {
  code: "human_requested",
  description: "the customer asks for a human",
  stages: ["input"],
  evaluate: ({ question, options }) => {
    const text = question.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    if (PATTERNS.some((p) => p.test(text))) return fail("asked for a person");
    const extra = stringList(options.phrases).find((p) => text.includes(p.toLowerCase()));
    return extra ? fail(`said "${extra}"`) : pass;
  },
};
