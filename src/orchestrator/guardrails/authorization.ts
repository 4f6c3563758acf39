import { fail, pass, stringList, type Guardrail } from "./types";

/**
 * Actions only staff may grant: refunds, cancellations, order changes, discounts or compensation
 * beyond policy. At the input stage the customer asks for one; at the output stage the draft promises
 * one ("I have refunded…", "we will give you 20 % off"). The knowledge base may *explain* the refund
 * policy — that passes; committing to an action does not. Options: `actions` — extra words that name
 * an action needing authorization (matched as substrings of the customer's message).
 */
// A request, not a question about the policy: "I want a refund" escalates, "how long do refunds take?" does not.
const ACTION = "(refund|reimburs\\w*|money\\s+back|chargeback|compensation|discount|coupon|voucher|price\\s+match|cancel\\w*|credit)";
const REQUEST = [
  new RegExp(`\\b(i|we)\\b.{0,30}\\b(want|would\\s+like|'d\\s+like|need|demand|request|expect|deserve)\\b.{0,30}\\b${ACTION}`),
  new RegExp(`\\b(can|could|may|will)\\s+(i|we|you)\\b.{0,25}\\b(get|have|give|send|issue|apply)\\b.{0,25}\\b${ACTION}`),
  /\b(refund|reimburse|compensate)\s+(me|us|my|our)\b/,
  /\bgive\s+(me|us)\s+(a\s+|my\s+)?(refund|discount|coupon|voucher|credit|money\s+back)/,
  /\b(please\s+)?(cancel|change|modify|amend|update)\s+(my|our)\s+(order|subscription|booking|plan|contract|membership|delivery\s+address|shipping\s+address)\b/,
  /\b(ich|wir)\b.{0,30}\b(mochte|will|hatte\s+gerne|brauche|verlange)\b.{0,30}\b(erstattung|ruckerstattung|geld\s+zuruck|storn\w*|kundig\w*|rabatt|gutschein)/,
  /\b(je\s+veux|je\s+voudrais)\b.{0,30}\b(rembours\w*|annul\w*|reduction)/,
];
const PROMISE = [
  /\b(i|we)('ve|\s+have|\s+will|'ll|\s+can|\s+shall)\s+(now\s+)?(issued?|process(ed)?|refund(ed)?|cancel+(ed)?|credit(ed)?|appl(y|ied)|give|grant(ed)?|waive(d)?)\b.{0,40}\b(refund|cancel|discount|credit|voucher|coupon|%|off|fee|order|compensation)/,
  /\byour\s+(refund|cancellation|discount)\s+(has\s+been|is|was)\s+(issued|processed|approved|applied|confirmed)\b/,
];

export const authorizationRequired: Guardrail = {
  code: "authorization_required",
  description: "a refund, cancellation, order change or discount that needs staff authorization",
  stages: ["input", "output"],
  streamable: true,
  evaluate: ({ stage, question, draft, options }) => {
    if (stage === "input") {
      const text = question.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      // "When will I get my money back?" asks about the policy; "Can I get my money back?" asks for the action.
      const informational = /^\s*(when|how\s+long|how\s+soon|how\s+do|how\s+does|what|where|which)\b/.test(text);
      if (REQUEST.some((p, i) => !(informational && i === 1) && p.test(text))) return fail("the customer asks for an action staff must authorize");
      const extra = stringList(options.actions).find((a) => text.includes(a.toLowerCase()));
      return extra ? fail(`the customer asks about "${extra}"`) : pass;
    }
    return draft && PROMISE.some((p) => p.test(draft.toLowerCase())) ? fail("the answer commits to an action staff must authorize") : pass;
  },
};
