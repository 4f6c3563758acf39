import type { RespondContext } from "./context";
import { holdingMessage } from "./holding";
import type { AnswerOutcome } from "./types";

export const UNSUPPORTED_CONTENT = "unsupported_content";

const BEYOND_WORDS = new Set(["media", "location", "contacts", "story_reply", "unsupported"]);

const ZERO = { value: 0, retrieval: 0, grounding: 0, model: 0 };

/**
 * The outcome of a turn with no words (`question` empty: a bare photo, a voice note, a pin, a contact
 * card, a sticker, content the provider could not render), by the brand's `non_text` policy: by default
 * an escalation (`unsupported_content`; the holding message goes out), or the brand's acknowledgement as
 * the reply. Never nothing: such a message still gets a reply or a human.
 */
export const nonTextOutcome = (c: RespondContext): AnswerOutcome => {
  const policy = c.brand.policies.non_text ?? { escalate: true };
  const base: Omit<AnswerOutcome, "outcome" | "reply" | "reason"> = {
    confidence: ZERO,
    sources: [],
    guardrails: [],
    mode: "knowledge",
    tokens: { prompt: 0, completion: 0 },
  };
  if (!policy.escalate && policy.reply) return { ...base, outcome: "answer", reply: policy.reply, reason: null };
  return { ...base, outcome: "escalation", reply: null, reason: UNSUPPORTED_CONTENT };
};

/** The turn's messages that carry something beyond words (media, a pin, cards): noted with the reply. */
export const nonTextOf = (c: RespondContext): { id: string; kind: string }[] =>
  c.turn.filter((m) => BEYOND_WORDS.has(m.kind)).map((m) => ({ id: m.id, kind: m.kind }));

/**
 * The holding message for an escalation this turn opened: a non-text turn's acknowledgement, else the
 * brand's holding message in the customer's language (holding.ts).
 */
export const holdingTextOf = (c: RespondContext, outcome: AnswerOutcome): string =>
  (outcome.reason === UNSUPPORTED_CONTENT ? c.brand.policies.non_text?.reply : undefined) ??
  holdingMessage(c.brand.policies, c.brand.persona.language, outcome.language ?? null);
