import { normaliseAsked } from "../grounding/requests";
import { fail, pass, stringList, type Guardrail } from "./types";

// Legal threats, in the languages brands most often run in: these go to a person whatever the documents say.
const LEGAL = [
  /\b(sue|suing|sued|lawsuit|legal\s+action|legal\s+steps|take\s+(you|this|them)\s+to\s+court|see\s+you\s+in\s+court|small\s+claims|class\s+action)\b/,
  /\b(my|a|our)\s+(lawyer|attorney|solicitor|legal\s+team|advocate)\b/,
  /\breport\s+(you|this|your\s+\w+)\s+to\b|\b(consumer\s+protection|trading\s+standards|ombudsman|better\s+business\s+bureau|bbb)\b/,
  /\b(anwalt|rechtsanwalt|verklagen|klage\s+einreichen)\b|\b(avocat|porter\s+plainte|poursuivre\s+en\s+justice|tribunal)\b|\b(abogado|demandar\w*|denunciar)\b|\b(avvocato|denuncia\w*)\b|\b(advocaat|aanklagen)\b/,
];
// A complaint made, as opposed to asking how complaints work ("how do I file a complaint?" passes).
const COMPLAINT = [
  /\b(i|we)\s+(want|would\s+like|'d\s+like|need|wish)\s+to\s+(complain|make\s+a\s+complaint|file\s+a\s+complaint|lodge\s+a\s+complaint|raise\s+a\s+complaint)\b/,
  /\b(this|that|it|your\s+service)\s+is\s+(unacceptable|ridiculous|outrageous|a\s+scam|a\s+joke|disgusting|terrible|the\s+worst)\b|\b(worst|terrible|awful|horrible)\s+(service|experience|company|shop|restaurant)\b/,
  // A problem with the customer's own order, stated, not asked about ("what if my order is damaged?" passes).
  /^(?!.*\b(if|what\s+if|when|what\s+happens|what\s+do|how\s+do|in\s+case)\b).*\bmy\s+(order|package|parcel|item|items|delivery|food|meal|product|purchase|shipment|booking)\s+(is|was|has|came|arrived|got)\s+(\w+\s+)?(wrong|broken|damaged|missing|late|cold|incomplete|defective|not\s+(what|right)|never|stolen|lost|spoiled|faulty)\b/,
  /^(?!.*\b(if|what\s+if|in\s+case)\b).*\b(i|we)\s+(received|got)\s+(the\s+)?(wrong|a\s+broken|a\s+damaged|a\s+defective)\b/,
  /^(?!.*\b(if|what\s+if|in\s+case)\b).*\b(never|still\s+(not|hasn't|haven't))\s+(arrived|came|received|got)\b/,
  /\b(ich\s+(mochte|will)\s+mich\s+beschweren|beschwerde\s+einreichen)\b|\b(je\s+veux|je\s+voudrais)\s+(me\s+plaindre|faire\s+une\s+reclamation)\b|\b(quiero|quisiera)\s+(quejarme|poner\s+una\s+queja|reclamar)\b/,
];

/**
 * Complaints and legal threats: the customer threatens legal action ("I'll sue", "my lawyer", "report
 * you to consumer protection") or makes a complaint ("I want to complain", "my order is wrong", "the
 * parcel never arrived"). A person handles these; a question about how complaints work passes.
 * Options: `phrases` — more phrases that count (substring match).
 */
export const complaint: Guardrail = {
  code: "complaint",
  description: "a complaint or a threat of legal action",
  stages: ["input"],
  evaluate: ({ question, options }) => {
    const text = normaliseAsked(question);
    if (LEGAL.some((re) => re.test(text))) return fail("threatens legal action");
    if (COMPLAINT.some((re) => text.split(/(?<=[.!?])\s+/).some((s) => re.test(s)))) return fail("makes a complaint");
    const extra = stringList(options.phrases).find((p) => text.includes(normaliseAsked(p)));
    return extra ? fail(`said "${extra}"`) : pass;
  },
};
