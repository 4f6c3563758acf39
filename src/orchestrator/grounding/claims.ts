/**
 * What a draft claims to have done or promises to do for this customer, and drafts that answer nothing.
 * xin has no order, booking or payment system: any "I have booked you", "your visa is ready" or "we will
 * call you" is untrue or unauthorised, whatever model wrote it. A step the documents themselves describe
 * ("we'll confirm the current price") is the brand's own process, and passes.
 */
const VERBS =
  "started|initiated|opened|created|requested|organi[sz]ed|cancel+ed|booked|reserved|refunded|reimbursed|credited|charged|processed|issued|applied|approved|confirmed|changed|modified|updated|amended|rescheduled|moved|postponed|scheduled|arranged|sent|resent|forwarded|shipped|dispatched|delivered|ordered|fixed|resolved|replaced|upgraded|downgraded|extended|renewed|removed|deleted|added|waived|reset|unlocked|activated|deactivated|closed|reopened|escalated|transferred|registered|submitted|placed|received|noted|logged|passed";
const FUTURE =
  "cancel|book|reserve|refund|reimburse|credit|process|issue|apply|approve|confirm|change|modify|update|amend|reschedule|move|postpone|schedule|arrange|send|resend|forward|ship|dispatch|deliver|order|fix|resolve|replace|upgrade|extend|renew|remove|delete|add|waive|reset|unlock|activate|close|reopen|escalate|transfer|register|submit|place|call|ring|phone|email|e-mail|text|message|contact|notify|inform|check|look\\s+into|investigate|guarantee|give|grant|get\\s+back|follow\\s+up|reach\\s+out|be\\s+in\\s+touch";
const CLAIMS: RegExp[] = [
  // Done by us: "I have booked you", "we've refunded", "I cancelled your order".
  new RegExp(`\\b(i|we)\\s*(have|'ve|’ve|just|already|now)?\\s*(just\\s+|already\\s+|now\\s+)?(${VERBS})\\b`),
  // Any perfect tense of ours is a deed done: "I have started a return", "we've checked your order".
  /\b(i|we)\s*(have|'ve)\s+(just\s+|already\s+|now\s+)?(\w+ed|sent|made|done|set\s+up|taken\s+care)\b/,
  // A state of the customer's own case: "your visa is ready", "order #4471 is cancelled", "it has been fixed".
  new RegExp(
    `\\byour\\s+([^\\s.!?]+\\s+){0,3}(is|are|has\\s+been|have\\s+been|was|were)\\s+(now\\s+|already\\s+|all\\s+)?(ready|done|complete[d]?|on\\s+(its|the|their)\\s+way|${VERBS})\\b.{0,40}`,
  ),
  /#?\d{3,}\s+(is|are|has\s+been|was)\s+(now\s+)?(ready|done|\w+ed)\b/,
  /\b(everything|all|it|this|that)\s+(is|has\s+been|have\s+been)\s+(now\s+)?(taken\s+care\s+of|sorted|fixed|resolved|done|cancel+ed|booked|refunded|confirmed)\b/,
  /^\s*(done|all\s+set|all\s+done|sorted|booked|confirmed)\b[\s!.,—–-]/,
  // Promised by us: "we will call you", "I'll send you the code", "we guarantee approval".
  new RegExp(
    `\\b(i|we)\\s*(will|'ll|’ll|shall|am\\s+going\\s+to|are\\s+going\\s+to)\\s+(now\\s+|immediately\\s+|personally\\s+)?(${FUTURE})\\b.{0,30}`,
  ),
  /\b(we|i)\s+(guarantee|promise|assure)\b/,
  // Someone of the brand will act for this customer: "the rider is on the way", "our courier will bring it".
  new RegExp(
    `\\b(a|our|the|one\\s+of\\s+our)\\s+(courier|rider|driver|technician|delivery)s?\\b.{0,20}\\b(will|'ll|is\\s+going\\s+to|is\\s+on\\s+(the|its|his|her)\\s+way)\\b`,
  ),
];

const CLAIMS_ALL = CLAIMS.map((re) => new RegExp(re.source, "g"));
const CONDITION = /\b(once|after|when|whenever|if|as\s+soon\s+as|until|before|unless|so\s+that)\s*$/;
const GENERAL = /\b(within|usually|typically|normally|generally|always|every|each)\b/;
const sentenceAt = (text: string, index: number): string => {
  const start =
    Math.max(text.lastIndexOf(". ", index), text.lastIndexOf("! ", index), text.lastIndexOf("? ", index), -1) + 1;
  const ends = [". ", "! ", "? "].map((e) => text.indexOf(e, index)).filter((i) => i >= 0);
  return text.slice(start, ends.length ? Math.min(...ends) : text.length);
};

const normal = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\bwe'll\b/g, "we will")
    .replace(/\bi'll\b/g, "i will")
    .replace(/\bwe've\b/g, "we have")
    .replace(/\bi've\b/g, "i have")
    .replace(/\s+/g, " ");

/**
 * The claims of action in `draft` that the passages do not describe themselves: each match from the
 * verb on ("will confirm the current price") is looked for in the passages' text.
 */
export const actionClaims = (draft: string, passageTexts: readonly string[]): string[] => {
  const text = normal(draft);
  let docs: string | null = null; // normalised only when a claim needs looking up
  const out: string[] = [];
  for (const re of CLAIMS_ALL)
    for (const m of text.matchAll(re)) {
      const claim = m[0].trim();
      // A rule, not a deed: "once we have received the parcel"; "your order is shipped within 2 days" (a state
      // of "your" thing stated generally; a deed by "we" is never excused so).
      if (
        CONDITION.test(text.slice(Math.max(0, m.index - 16), m.index)) ||
        (claim.startsWith("your") && GENERAL.test(sentenceAt(text, m.index)))
      )
        continue;
      // The documented process, as the documents word it: its verb phrase (subject dropped) is in a passage.
      // The phrase runs on past the match ("we sent" + " the wrong item"): a short match is looked up with its words after it.
      const phrase = `${claim} ${text.slice(m.index + m[0].length, m.index + m[0].length + 60).trimStart()}`;
      const words = phrase
        .replace(/^(i|we|your|the|a|our|one of our)\s+/, "")
        .split(/[^\p{L}\p{N}' -]/u)[0]
        .trim()
        .split(/\s+/)
        .slice(0, 4);
      if (words.length >= 2 && (docs ??= passageTexts.map(normal).join("\n")).includes(words.join(" "))) continue;
      out.push(claim);
    }
  return out;
};

// Saying it cannot answer, in the words models use: such a draft is an escalation, never a reply.
const NO_ANSWER = [
  /\bi\s*(do\s+not|don't|dont)\s+(know|have\s+(that|this|any|enough|the)\b)/,
  /\bi('m|\s+am)\s+(not\s+sure|unable|not\s+able|afraid\s+i\s+(can't|cannot|don't))/,
  /\b(i|we)\s+(cannot|can't|could\s+not|couldn't)\s+(find|help|answer|say|confirm|see|tell|access|check|look)/,
  /\b(no|not\s+any)\s+(information|details|data)\s+(about|on|regarding|in)\b/,
  /\b(is|are)\s+not\s+(mentioned|covered|included|listed|stated)\s+in\s+(the|our|my)\s+(documents?|information|knowledge|sources?)/,
  /\b(the|our|my)\s+(documents?|information|knowledge|sources?)\s+(do|does)\s*(not|n't)\s+(say|mention|contain|cover|include)/,
  /\bweiß\s+ich\s+nicht|\bkeine\s+informationen|\bje\s+ne\s+sais\s+pas|\bno\s+(lo\s+)?sé\b|\bno\s+tengo\s+(esa\s+)?información/,
];

// Handing over instead of answering: "a colleague will get back to you", "our team will contact you".
const FOLLOW_UP = [
  /\b(a|our|the|one\s+of\s+our)\s+(colleague|team|agent|staff|manager|representative|specialist|expert|advisor|consultant|support)s?\b.{0,25}\b(will|is\s+going\s+to|shall)\s+(get\s+back|follow\s+up|reach\s+out|contact|call|be\s+in\s+touch|respond|reply|answer|help|look\s+into|check)/,
  /\b(someone|somebody)\s+(from\s+\w+\s+)?(will|is\s+going\s+to)\s+/,
  /\b(ein|eine)\s+(kollegin|kollege|mitarbeiter\w*)\s+(wird|meldet)|\bun\s+(collègue|conseiller)\s+(va|vous)|\bun\s+(compañero|agente)\s+(te|le|se)\b/,
];

/** Whether the draft says it does not know or cannot help, or hands over to a person instead of answering. */
export const saysNoAnswer = (draft: string): boolean => {
  const text = normal(draft);
  return NO_ANSWER.some((re) => re.test(text)) || FOLLOW_UP.some((re) => re.test(text));
};
