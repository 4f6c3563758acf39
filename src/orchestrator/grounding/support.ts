import type { Analyzer } from "../../rag";
import { detectLanguage } from "../guardrails/language";
import { termsOf, termsOfPassage } from "../confidence";
import type { Passage } from "../types";
import { FactIndex, factsOf, type Fact } from "./facts";

/** The passages' fact indexes are kept by text, as their terms are in confidence.ts: the same chunks answer most questions. */
const KEPT = 2048;
const indexes = new Map<string, FactIndex>();
const indexOf = (text: string): FactIndex => {
  let index = indexes.get(text);
  if (!index) {
    index = new FactIndex([text]);
    if (indexes.size >= KEPT) indexes.delete(indexes.keys().next().value!);
    indexes.set(text, index);
  }
  return index;
};
// By the passage's text itself (the same string each turn, so its hash is computed once), with its title
// and heading checked, rather than by a string built anew for every answer.
// The source name is indexed with them: an attribution line quotes it.
const byText = new Map<string, { title: string; heading: string; source: string; index: FactIndex }>();
const passageIndex = (p: Passage): FactIndex => {
  const hit = byText.get(p.text);
  if (hit && hit.title === p.title && hit.heading === p.heading && hit.source === p.source) return hit.index;
  const index = new FactIndex([p.title, p.heading, p.text, p.source]);
  if (byText.size >= KEPT) byText.delete(byText.keys().next().value!);
  byText.set(p.text, { title: p.title, heading: p.heading, source: p.source, index });
  return index;
};

/** Sentences of an answer: split after . ! ? or a line break (a decimal point is not followed by a space). */
export const sentencesOf = (text: string): string[] =>
  text
    .split(/(?<=[.!?…])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);

// A sentence that declines or negates may name what the customer asked about ("we deliver within Abuja
// only, so we can't deliver to Ikeja"): echoing the question there asserts nothing about it.
const NEGATION =
  /\b(not|no|never|none|only|cannot|can['’]t|don['’]t|doesn['’]t|won['’]t|isn['’]t|aren['’]t|unfortunately|sorry|nicht|kein\w*|leider|nur|pas|jamais|seulement|désolé|nunca|solo|lo\s+siento)\b|n['’]t\b/i;
export const negates = (sentence: string): boolean => NEGATION.test(sentence);

// A sentence that limits what the brand does to a named scope ("we deliver within Abuja only", "we
// only accept Visa and Mastercard") says no to any other place or thing of that kind.
const LIMIT = /\b(only|exclusively|solely|nur|ausschließlich|uniquement|seulement|solo|solamente|alleen)\b/i;
export const limitsToNamed = (sentence: string): boolean =>
  LIMIT.test(sentence) && factsOf(sentence).some((f) => f.kind === "name");

/** `language`: the brand's, for an answer too short to tell its own. */
export type SupportContext = {
  question: string;
  passages: readonly Passage[];
  brandNames: readonly string[];
  language?: string;
};

// German writes every noun with a capital: there a capital is no sign of a name.
const capitalisesNouns = (language: string | null): boolean =>
  language !== null && language.toLowerCase().startsWith("de");

/**
 * The facts of `answer` that neither the passages nor the brand's own name carry. A fact the customer
 * wrote is no source (a model repeating "application 20931" proves nothing), except in a sentence that
 * declines or negates. German capitalises every noun, so there only codes, numbers and links count.
 */
export const unsupportedFacts = (answer: string, ctx: SupportContext): Fact[] => {
  const indexes = ctx.passages.map(passageIndex);
  const brand = indexOf(ctx.brandNames.join("\n"));
  let asked: FactIndex | null = null;
  const names = !capitalisesNouns(detectLanguage(answer) ?? ctx.language ?? null);
  const known = (fact: Fact) => indexes.some((i) => i.has(fact)) || brand.has(fact);
  // The common case — every fact found — costs one pass over the whole answer; only a miss is looked at
  // sentence by sentence, for the echo a declining sentence may make.
  if (factsOf(answer, { names }).every(known)) return [];
  const out: Fact[] = [];
  for (const sentence of sentencesOf(answer))
    for (const fact of factsOf(sentence, { names })) {
      if (known(fact)) continue;
      if (negates(sentence) && (asked ??= new FactIndex([ctx.question])).has(fact)) continue;
      out.push(fact);
    }
  return out;
};

/**
 * What the customer asked about that the answer talks about and no passage mentions: the answer's
 * terms shared with the question and absent from every passage ("parking" for "do you have parking?"
 * when no document says a word about parking). Sentences that decline are left out (see `negates`).
 * Only meaningful when answer and passages are in one language: the caller checks that.
 */
// Words of the question's predicate rather than its subject (analysed forms): "who do I call", "how much
// can it carry", "how long does it take" — a draft repeating them says nothing the passages must carry.
const GENERAL_TERMS = new Set(
  "on in at by to of off up out over under into onto near take took hold call carri carry keep give get got go goe come make put use work need cost pay happen mean offer provid includ allow accept help find see look send bring insid outsid long big small larg much mani time way thing kind type best good possibl avail abl usual normal also just still ever".split(
    " ",
  ),
);

export const unsupportedTopics = (
  analyzer: Analyzer,
  answer: string,
  question: string,
  passages: readonly Passage[],
): string[] => {
  const asked = termsOf(analyzer, question);
  if (asked.size === 0) return [];
  const known = passages.map((p) => termsOfPassage(analyzer, p));
  const unknown = (t: string) =>
    asked.has(t) && t.length > 2 && !/^\d/.test(t) && !GENERAL_TERMS.has(t) && !known.some((k) => k.has(t));
  // Slow path only: a term counts as known inside a longer token ("payload" in "payload_kg") or by its
  // first five letters ("carrying", "carries").
  const looselyKnown = (t: string) =>
    known.some((k) => [...k].some((w) => w.includes(t) || (t.length >= 5 && w.startsWith(t.slice(0, 5)))));
  // One pass over the whole answer first; sentences are looked at only when a term is missing.
  if (![...termsOf(analyzer, answer)].some(unknown)) return [];
  const out = new Set<string>();
  for (const sentence of sentencesOf(answer)) {
    if (negates(sentence)) continue;
    for (const t of termsOf(analyzer, sentence)) if (unknown(t) && !looselyKnown(t)) out.add(t);
  }
  return [...out];
};

/**
 * What the question names that none of the passages knows of, so no answer drawn from them can be
 * about it: its proper names and codes ("Amazon", "Mars", "RMA") that no passage carries.
 */
export const unknownToPassages = (
  question: string,
  passages: readonly Passage[],
  brandNames: readonly string[],
): string[] => {
  const indexes = passages.map(passageIndex);
  const brand = indexOf(brandNames.join("\n"));
  const out = new Set<string>();
  for (const f of factsOf(question, { names: !capitalisesNouns(detectLanguage(question)) }))
    if ((f.kind === "name" || f.kind === "code") && !brand.has(f) && !indexes.some((i) => i.has(f))) out.add(f.raw);
  return [...out];
};

/**
 * Knowledge mode: what the question names — names, codes, numbers — that the excerpt (with its passage's
 * title and heading, which the caller passes along) does not carry. An
 * excerpt is not written for the question, so one about "the 20-foot container" does not answer "the
 * 40-foot container", nor "we deliver within Abuja" a question about Lagos, even when the passage it was
 * cut from mentions both.
 */
export const missedInExcerpt = (question: string, excerpt: string, brandNames: readonly string[]): string[] => {
  const asked = factsOf(question, { names: !capitalisesNouns(detectLanguage(question)) }).filter(
    (f) => f.kind === "name" || f.kind === "code" || f.kind === "number",
  );
  if (asked.length === 0) return [];
  // Most are there as written; only the rest are looked up in normalised form.
  const lower = excerpt.toLowerCase();
  const rest = asked.filter((f) => !lower.includes(f.raw.toLowerCase()));
  if (rest.length === 0) return [];
  const said = new FactIndex([excerpt]);
  const brand = indexOf(brandNames.join("\n"));
  return rest.filter((f) => !brand.has(f) && !said.has(f)).map((f) => f.raw);
};

/** Whether the answer is written in another language than the passages (both clearly detected). */
export const crossLanguage = (answer: string, passages: readonly Passage[]): boolean => {
  const said = detectLanguage(answer);
  if (said === null) return false;
  const docs = passages.slice(0, 3).map((p) => languageOf(p.text));
  return docs.some((d) => d !== null) && !docs.includes(said);
};

const languages = new Map<string, string | null>();
/** A passage's language, detected once per text (bounded like the fact indexes). */
const languageOf = (text: string): string | null => {
  let lang = languages.get(text);
  if (lang === undefined) {
    lang = detectLanguage(text.slice(0, 800));
    if (languages.size >= KEPT) languages.delete(languages.keys().next().value!);
    languages.set(text, lang);
  }
  return lang;
};
