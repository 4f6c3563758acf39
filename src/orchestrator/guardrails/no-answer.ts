import { saysNoAnswer } from "../grounding/claims";
import { fail, pass, type Guardrail } from "./types";

/**
 * The draft answers nothing: it says it does not know or cannot help, or hands over ("a colleague will
 * get back to you"). Sending it would tell the customer a person is coming while none was asked: it
 * escalates instead, and the holding message says the same thing truthfully.
 */
export const noAnswer: Guardrail = {
  code: "no_answer",
  description: "the draft says it cannot answer or promises a follow-up instead of answering",
  stages: ["output"],
  streamable: true,
  evaluate: ({ draft }) => (draft && saysNoAnswer(draft) ? fail("the draft does not answer the question") : pass),
};
