/**
 * Telling an action request ("cancel my appointment tomorrow at 9:30", "give me 15 % off", "book me a
 * flight") from a question about the policy ("can I cancel an order?", "do you give student discounts?",
 * "how do refunds work?"). The first needs staff (xin changes nothing in any system); the second is
 * answered from the knowledge. Text is matched lower-cased with accents removed.
 */
const ACT =
  "cancel|book|reserve|refund|reimburse|credit|change|modify|amend|update|reschedule|move|postpone|confirm|check|verify|look\\s+up|send|resend|issue|give|apply|waive|upgrade|downgrade|extend|renew|transfer|unsubscribe|close|delete|remove|add|process|approve|guarantee|expedite|hold|arrange|fix|replace|exchange|activate|deactivate|reactivate|unlock|reset|schedule|register|sign\\s+me|put\\s+me|compensate|pay\\s+back";
const NOUN =
  "refund|reimbursement|money\\s+back|chargeback|compensation|discount|coupon|voucher|promo\\s+code|code|price\\s+match|credit|cancellation|replacement|exchange|booking|reservation|appointment|upgrade|extension|rebate";

// Something that makes a request about this customer's own case: a number (order id, time, amount), a
// day, "now", or pointing at a thing of theirs.
const SPECIFIC =
  /\d|\b(today|tonight|tomorrow|yesterday|now|right\s+away|immediately|asap|this\s+(morning|afternoon|evening|week|order|booking)|next\s+(week|month|mon|tue|wed|thu|fri|sat|sun)\w*|(mon|tues|wednes|thurs|fri|satur|sun)day)\b/;
const MINE = /\b(my|mine|our|me|us|it|this|that|these|those)\b/;

const REQUESTS: RegExp[] = [
  // Imperative, at the start of a sentence or after "please": "Cancel my order", "please book me a table".
  new RegExp(
    `(^|[.!?,;:]\\s*|\\bplease\\s+|\\bkindly\\s+|\\bjust\\s+)(${ACT})\\b[^.?!]{0,30}?(\\b(me|my|our|us|it|this|that)\\b|#?\\d)`,
  ),
  // "I want / would like / need to cancel …", "I want a refund", "I demand compensation".
  new RegExp(
    `\\b(i|we)\\b[^.?!]{0,25}\\b(want|would\\s+like|'d\\s+like|need|demand|request|expect|deserve|wish|insist\\s+on)\\b\\s+(to\\s+(${ACT})\\b|(a|an|my|our|the|some|full|\\d+\\s*%)?\\s*([\\w%-]+\\s+)?(${NOUN})\\b)`,
  ),
  // Asking us to act: "can you cancel my order", "could you check if my visa is ready".
  new RegExp(`\\b(can|could|would|will)\\s+(you|u|somebody|someone)\\s+(please\\s+)?(${ACT})\\b`),
  /\b(refund|reimburse|compensate)\s+(me|us|my|our)\b/,
  new RegExp(`\\bgive\\s+(me|us)\\b.{0,20}\\b(${NOUN})`),
  // German, French, Spanish, Italian, Dutch, Portuguese: wanting or asking for the action itself.
  /\b(ich|wir)\b.{0,30}\b(mochte|mochten|will|wollen|hatte\s+gerne|brauche|verlange)\b.{0,30}\b(erstattung|ruckerstattung|geld\s+zuruck|storn\w*|kundig\w*|rabatt|gutschein|buch\w*|absag\w*|verschieb\w*|umbuch\w*|andern)/,
  /\b(gib|gebt|geben\s+sie)\s+(mir|uns)\b.{0,30}\b(rabatt|gutschein\w*|\w*code|erstattung|nachlass|prozente)|\b(donnez|donne)-moi\b.{0,30}\b(reduction|code|remise|bon)|\b(dame|deme|denme)\b.{0,30}\b(descuento|codigo|cupon)/,
  /\b(bitte|konnen\s+sie|kannst\s+du)\b.{0,30}\b(stornier\w*|kundig\w*|buch\w*|erstatt\w*|absag\w*|verschieb\w*|umbuch\w*|anderung|andern)\b/,
  /\b(je\s+veux|je\s+voudrais|pouvez-vous|pourriez-vous|merci\s+de|veuillez)\b.{0,30}\b(rembours\w*|annul\w*|reserv\w*|modifi\w*|reduction|report\w*)/,
  /\b(quiero|quisiera|necesito|puede|podria|por\s+favor)\b.{0,30}\b(reembols\w*|cancel\w*|reserv\w*|cambi\w*|descuento|devol\w*)/,
  /\b(voglio|vorrei|puoi|potete|per\s+favore)\b.{0,30}\b(rimbors\w*|annull\w*|prenot\w*|modific\w*|sconto)/,
  /\b(ik\s+wil|ik\s+zou\s+graag|kunt\s+u|graag)\b.{0,30}\b(terugbetal\w*|annuler\w*|boek\w*|wijzig\w*|korting)/,
  /\b(quero|gostaria|pode|por\s+favor)\b.{0,30}\b(reembols\w*|cancel\w*|reserv\w*|alter\w*|desconto)/,
];

// "Can I …" asks whether something is possible: a policy question, unless it names a case of the
// customer's own (a time, a number, "now"): "can I cancel my order?" is policy, "can I cancel order 4471
// now?" is a request.
const PERMISSION = new RegExp(
  `\\b((can|could|may)\\s+(i|we)\\s+(still\\s+|please\\s+)?(get|have|receive|${ACT})|possible\\s+to\\s+(${ACT}))\\b`,
);
// Questions about how things work are never requests: "how do I cancel", "what is your refund policy".
const INFORMATIONAL =
  /^\s*(how|what|when|where|which|why|who|is\s+there|are\s+there|do\s+(you|i|we)|does|are\s+you|is\s+it|should\s+(i|we)|must\s+(i|we)|have\s+(i|we)\s+to)\b/;
// The customer doing it themselves ("can I still cancel it myself?") asks what is possible, not for us to act.
const THEMSELVES = /\b(myself|ourselves|on\s+my\s+own|online|in\s+the\s+app|through\s+my\s+account)\b/;
// Asking to be told something is a question: "can you give me the price", "send me your opening hours".
const TELL_ME =
  /\b(give|send|tell|show)\s+(me|us)\s+(the|your|a|an|some|more)?\s*([\w-]+\s+){0,3}(price|prices|cost|information|info|details|number|phone|address|hours|opening\s+hours|list|menu|link|overview|contact|email|website)\b/;

export const normaliseAsked = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\s+/g, " ")
    .trim();

/** Whether the customer asks xin to do something for them that staff must do or authorise. */
export const isActionRequest = (message: string): boolean => {
  const text = normaliseAsked(message);
  const sentences = text.split(/(?<=[.!?])\s+/);
  return sentences.some((s) => {
    if (TELL_ME.test(s)) return false;
    if (PERMISSION.test(s) && SPECIFIC.test(s) && (MINE.test(s) || /\d{3,}/.test(s)) && !THEMSELVES.test(s))
      return true;
    if (INFORMATIONAL.test(s) && !/\b(can|could|would|will)\s+(you|u)\b/.test(s)) return false;
    return REQUESTS.some((re) => re.test(s));
  });
};
