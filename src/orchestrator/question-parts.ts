import { isLightQueryTerm, stripQueryFiller, type Analyzer } from "../rag";
import { askedShapes, isShape } from "./answer-shapes";

// Where a question asks a second thing: after "?", or at "and"/"also"/"," followed by a question word
// ("How much does it cost and how long does it take?"). Per language, like the query filler words.
const SECOND_QUESTION: Record<string, RegExp> = {
  en: /\?\s*|[,;]?\s+(?:and|also|plus)\s+(?=(?:what|when|where|which|who|why|how|do|does|did|can|could|is|are|will|would)\b)|,\s+(?=(?:what|when|where|which|who|why|how)\b)/giu,
  de: /\?\s*|[,;]?\s+(?:und|außerdem|sowie)\s+(?=(?:was|wie|wann|wo|welche[rsnm]?|wer|warum|kann|können|gibt|ist|sind)(?![\p{L}]))/giu,
};

// "How long until…": the wait is what is asked (a duration), "until" only frames it; "Until when…?" asks a time and keeps it.
const WAIT_UNTIL: Record<string, RegExp> = {
  en: /(?<=\bhow\s+long\s+)(?:until|till|til)\b/giu,
};

/**
 * The parts of a customer's question, each as its set of content terms (filler words dropped) and
 * the kinds of value it asks for (answer-shapes.ts);
 * parts without content ("Hi!", "Thanks?") are left out, and a part of light frame words only joins
 * the part before it. One part for a simple question.
 * A reply must cover every part, or it answers only half of what was asked.
 */
export const questionParts = (analyzer: Analyzer, question: string): Set<string>[] => {
  const splitter = SECOND_QUESTION[analyzer.language];
  // A lead clause about the customer ("we are getting married in june, when…?") is context of the question after its comma, not a part.
  const joined = question.replace(/[^.!?]*\?/gu, (q) => {
    const lead = leadClause(analyzer.language, q);
    return lead ? `${lead.slice(0, -1)} ${q.slice(lead.length)}` : q;
  });
  const pieces = (splitter ? joined.split(splitter) : [joined]).map((piece) =>
    piece.replace(WAIT_UNTIL[analyzer.language] ?? /$^/u, " "),
  );
  const parts: Set<string>[] = [];
  for (const piece of pieces) {
    const terms = new Set([
      ...analyzer.analyze(stripQueryFiller(analyzer.language, piece)),
      ...askedShapes(analyzer.language, piece),
    ]);
    if (terms.size === 0) continue;
    // A part of light frame words only ("…and how long does it take?") asks about the part before it.
    const last = parts.at(-1);
    if (last && [...terms].every((t) => isLightQueryTerm(analyzer.language, t) || isShape(t)))
      for (const t of terms) last.add(t);
    else parts.push(terms);
  }
  return parts.length > 0 ? parts : [new Set(analyzer.analyze(question))];
};

// A sentence that ends in "." or "!" before the message's question ("I live in another city. How can I…?").
const STATEMENT = /[^.!?]+[.!](?=\s|$)/gu;

/**
 * The terms a message says only as its context: those of its statements ("I live in another city.",
 * "Wir heiraten im Juni.") that its questions do not repeat, when it asks a question with content
 * words of its own. They tell where the customer stands, not what to answer, so an answer need not
 * repeat them ("How can I send my passport to you?" is answered by the page on sending documents).
 * A question sentence's own leading statement ("my trip got cancelled, can i…?") is such context too.
 * Empty for a message that is only a question, or whose question has no content ("What now?").
 */
export const statedOnly = (analyzer: Analyzer, message: string): Set<string> => {
  const sentences = message.match(/[^.!?]*\?/gu) ?? [];
  if (sentences.length === 0) return new Set();
  const clauses = sentences.map((q) => leadClause(analyzer.language, q));
  const asked = clauses.map((c, i) => (c ? sentences[i].slice(c.length) : sentences[i]));
  const questionTerms = new Set(asked.flatMap((q) => analyzer.analyze(stripQueryFiller(analyzer.language, q))));
  if (questionTerms.size === 0) return new Set();
  const withoutQuestions = sentences.reduce((rest, q) => rest.replace(q, " "), message);
  const statements = [...(withoutQuestions.match(STATEMENT) ?? []), ...clauses.filter((c) => c !== "")];
  const said = statements.flatMap((st) => analyzer.analyze(stripQueryFiller(analyzer.language, st)));
  return new Set(said.filter((t) => !questionTerms.has(t)));
};

// A question opening after a comma ("…, can i take back my passport?"), and the words a question itself opens with. Per language.
const CLAUSE_THEN_QUESTION: Record<string, RegExp> = {
  en: /,\s+(?=(?:can|could|may|do|does|did|is|are|will|would|should|shall|how|what|when|where|which|who|why)\b)/iu,
  de: /,\s+(?=(?:kann|können|darf|dürfen|muss|müssen|gibt|ist|sind|wie|was|wann|wo|welche[rsnm]?|wer|warum)(?![\p{L}]))/iu,
};
const OPENS_QUESTION: Record<string, RegExp> = {
  en: /^\s*(?:can|could|may|do|does|did|is|are|will|would|should|shall|how|what|when|where|which|who|why|if)\b/iu,
  de: /^\s*(?:kann|können|darf|dürfen|muss|müssen|gibt|ist|sind|wie|was|wann|wo|welche[rsnm]?|wer|warum|wenn|falls|habt|hat|haben)(?![\p{L}])/iu,
};

/**
 * A question sentence's leading statement about the customer, up to its comma ("my trip got cancelled,
 * can i take back my passport…?" → "my trip got cancelled,"), or "" when it opens as a question (or a
 * condition: "if I cancel, do I get my money back?" asks about cancelling), does not speak of the
 * customer ("Bikes or cars, which do you rent?" names what is asked about) or has no such comma.
 */
const leadClause = (language: string, sentence: string): string => {
  const lang = language.toLowerCase().split(/[-_]/)[0] ?? "";
  const cut = CLAUSE_THEN_QUESTION[lang]?.exec(sentence);
  if (!cut || OPENS_QUESTION[lang]?.test(sentence)) return "";
  const lead = sentence.slice(0, cut.index + 1);
  return SPEAKER[lang]?.test(lead) ? lead : "";
};

// The customer speaking of themselves ("my trip got cancelled", "we are five"): a lead clause without it ("Bikes or cars, which…") names the subject.
const SPEAKER: Record<string, RegExp> = {
  en: /(?<![\p{L}'])(?:i|i'm|i've|my|me|we|we're|our|us)(?![\p{L}'])/iu,
  de: /(?<![\p{L}])(?:ich|mein\p{L}*|mir|mich|wir|unser\p{L}*|uns)(?![\p{L}])/iu,
};

// A question asking which things of a kind there are: "what"/"which" before a plural noun and its verb
// ("What inventory tools do sellers have?", "Which payment methods are accepted?"); German "welche …"
// before its verb or "gibt es". Per language; none for a language not listed.
const LIST_QUESTION: Record<string, RegExp> = {
  en: /^\s*(?:what|which)\s+(?:[\p{L}-]+\s+){0,2}[\p{L}]{3,}(?<!s)s\s+(?:do|does|are|can|will|should|would)\b/iu,
  de: /^\s*welche\s+(?:[\p{L}-]+\s+){0,2}[\p{L}]{3,}\s+(?:gibt|habt|haben|bietet|bieten|kann|können)\b/iu,
};

/**
 * Whether the message asks for the things of a kind a document lists, not one fact: one sentence
 * naming one such thing is then not the answer, the document's own overview is.
 */
export const asksForList = (language: string, message: string): boolean =>
  LIST_QUESTION[language.toLowerCase().split(/[-_]/)[0] ?? ""]?.test(message) ?? false;

// The customer speaking to the business itself ("your hours", "contact you", "eure Adresse"). Per language.
const ADDRESSED: Record<string, RegExp> = {
  en: /(?<![\p{L}'])(?:your|yours|you|u|ur)(?![\p{L}'])/iu,
  de: /(?<![\p{L}])(?:ihr|ihre|ihren|ihrem|ihrer|euer|eure|euren|eurem|eurer|euch|sie)(?![\p{L}])/u,
};

/** Whether the message addresses the business ("What are your opening hours?"), not a third party. */
export const addressesBusiness = (language: string, message: string): boolean =>
  ADDRESSED[language.toLowerCase().split(/[-_]/)[0] ?? ""]?.test(message) ?? false;
