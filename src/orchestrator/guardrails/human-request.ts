import { fail, pass, stringList, type Guardrail } from "./types";

// Asking for a person, in the languages brands most often run in. Hand-off is decided here, on the
// customer's words — never by a keyword the model has to write.
const PATTERNS = [
  /\b(talk|speak|chat|connect|transfer|put)\b.{0,25}\b(to|with|through)\b.{0,15}\b(a |an |the |some |your )?(human|person|people|agent|representative|rep|operator|somebody|someone|staff|manager|colleague|supervisor|owner|employee|doctor|dr|nurse|lawyer|consultant|advisor|adviser|specialist|team|support|customer\s+service)\b/,
  // A named person: "I want to speak to Dr. Okafor", "can I talk to Maria?" (matched on the original casing below).
  /\b(talk|speak|chat)\s+(to|with)\s+(dr|mr|mrs|ms|miss|prof|professor|sir|madam)\b/,
  /\bnot\s+(a|an|the|with\s+a|to\s+a)\s+(bot|robot|machine|ai|computer|chatbot|assistant)\b|\b(no|stop\s+the|enough\s+with\s+the)\s+(bots?|robots?|chatbots?)\b/,
  /\b(human|person|people)\s+(please|pls|plz|now)\b|^\s*(human|agent|operator|representative)\s*[.!?]*\s*$/,
  /\b(can|could|would|will)\s+(someone|somebody|you|anyone|a\s+person)\s+(please\s+)?(call|ring|phone)\s+(me|us)\b|\b(call|ring|phone)\s+me\s+(back|please|asap|now|today|tomorrow)\b|\bgive\s+me\s+a\s+(call|ring)\b|\b(callback|call\s+back)\b|\bhave\s+(someone|somebody)\s+(call|contact|email|reach)\b/,
  /\b(real|actual|live)\s+(person|human|agent|people)\b/,
  // The person first, the verb after: "is there someone at the shop I can talk to?", "anyone I could speak with".
  /\b(someone|somebody|anyone|anybody|a\s+(person|human))\b.{0,30}\b(i|we)\s+(can|could|may)\s+(talk|speak|chat)\s+(to|with)\b/,
  // Refusing the assistant itself: "I don't want a chatbot", "no more bots".
  /\b(don'?t|do\s+not|dont)\s+want\s+(to\s+(talk|speak|chat)\s+(to|with)\s+)?(a|an|the|your|this)\s+(bot|robot|chatbot|machine|ai|assistant)\b/,
  /\b(human|live)\s+(agent|support|help)\b/,
  /\bare\s+you\s+a\s+(bot|robot|machine)\b.{0,40}\b(human|person)\b/,
  /\b(mich|uns)\b.{0,40}\b(zuruckrufen|anrufen)\b|\b(rappeler|appeler)\b.{0,10}\b(moi)\b|\b(me\s+(rappeler|appeler))\b|\b(llamarme|me\s+llame)\b/,
  /\bmit\s+(frau|herrn?|dr)\b.{0,30}\b(sprechen|reden|telefonieren)\b|\bpersonlich\s+sprechen\b|\b(parler|discuter)\s+(a|avec)\s+(madame|monsieur|mme|m\.|le\s+docteur|la\s+docteure?)\b|\bhablar\s+con\s+(el\s+senor|la\s+senora|el\s+doctor|la\s+doctora)\b/,
  /\b(mit\s+einem?\s+(menschen|mitarbeiter\w*|berater\w*|person)|echten?\s+menschen|kein(en)?\s+(bot|roboter)|ruckruf|ruf(en\s+sie)?\s+mich\s+(an|zuruck))\b/,
  /\b(parler|discuter)\s+(a|avec)\s+(un|une|quelqu'un)\b.{0,15}\b(humain|personne|conseiller|agent)?|\b(rappelez-moi|pas\s+un\s+robot|un\s+vrai\s+humain)\b/,
  /\b(hablar)\s+con\s+(una?\s+)?(persona|humano|agente|asesor)\b|\b(llamame|llameme|no\s+un\s+bot)\b/,
  /\bparlare\s+con\s+(un|una)\s+(operatore|persona|umano)\b|\b(met\s+een\s+(medewerker|mens|persoon)\s+(spreken|praten))\b|\bfalar\s+com\s+(um|uma)\s+(atendente|humano|pessoa)\b/,
];
// "I want to speak to Anna": a capitalised name after talk/speak to, on the original text.
const NAMED = /\b(talk|speak|chat)\s+(to|with)\s+(?!(?:You|Your|Us|Them)\b)\p{Lu}\p{Ll}+/u;

/** The customer asks for a human. Options: `phrases` — extra phrases that count as asking (substring match). */
export const humanRequest: Guardrail = {
  code: "human_requested",
  description: "the customer asks for a human",
  stages: ["input"],
  evaluate: ({ question, options }) => {
    const text = question
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
    if (PATTERNS.some((p) => p.test(text)) || NAMED.test(question.normalize("NFKD"))) return fail("asked for a person");
    const extra = stringList(options.phrases).find((p) => text.includes(p.toLowerCase()));
    return extra ? fail(`said "${extra}"`) : pass;
  },
};
