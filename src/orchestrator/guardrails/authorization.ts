import { actionClaims } from "../grounding/claims";
import { isActionRequest, normaliseAsked } from "../grounding/requests";
import { fail, pass, stringList, type Guardrail } from "./types";

/**
 * Actions only staff may take or grant — xin has no order, booking or payment system of its own.
 * Input: the customer asks for one for their own case ("cancel my appointment tomorrow at 9:30", "give
 * me 15 % off", "book me a flight"); a question about the policy ("can I cancel an order?", "do you give
 * student discounts?") passes and is answered from the knowledge (grounding/requests.ts). Output: the
 * draft claims an action done or promised for this customer ("I have booked you", "your visa is ready",
 * "we will call you"), unless the passages describe that step themselves (grounding/claims.ts).
 * Options: `actions` — extra phrases that always count as a request (substring of the message).
 */
export const authorizationRequired: Guardrail = {
  code: "authorization_required",
  description: "an action for this customer (cancel, book, refund, change, discount …) that needs staff",
  stages: ["input", "output"],
  streamable: true,
  evaluate: ({ stage, question, draft, passages, options }) => {
    if (stage === "input") {
      if (isActionRequest(question)) return fail("the customer asks for an action staff must take or authorize");
      const text = normaliseAsked(question);
      const extra = stringList(options.actions).find((a) => text.includes(normaliseAsked(a)));
      return extra ? fail(`the customer asks about "${extra}"`) : pass;
    }
    if (!draft) return pass;
    const claims = actionClaims(
      draft,
      passages.map((p) => p.text),
    );
    return claims.length ? fail(`the answer claims or promises an action: "${claims[0].slice(0, 60)}"`) : pass;
  },
};
