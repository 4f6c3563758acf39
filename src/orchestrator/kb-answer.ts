import { isLightQueryTerm, isValueWord, LIGHT_WEIGHT, termsAnsweredBy, type Analyzer } from "../rag";
import { askedShapes, heldShapes, isShape } from "./answer-shapes";
import { termsOf, termsOfPassage } from "./confidence";
import { addressesBusiness, asksForList, questionParts, statedOnly } from "./question-parts";
import { EQUAL_WEIGHTS, MAX_ANSWER_CHARS, selectUnits, unitsWithLines, type TermWeights } from "./sentence-select";
import type { Passage } from "./types";

/**
 * What a reply says about where it came from (brand policy `attribution`): nothing (the default:
 * file names mean nothing to a customer), the document's title, or the page's URL for crawled
 * pages (the title for files, which have none).
 */
export type Attribution = "none" | "title" | "url";

export type KnowledgeAnswer = {
  text: string;
  /** The passages the text was taken from, best first. */
  used: Passage[];
  /** Share (0..1) of the question's content terms that the text and its passages' headings carry, each term weighted by its IDF. */
  coverage: number;
};

const FILE_NAME = /\.[a-z0-9]{1,5}$/i;

// How far down the ranking a part of a multi-part question the best passage misses is looked for.
const PART_DEPTH = 3;

/** The words of a passage's title (a file name counts without its extension) and headings; kept, as the same few titles head most answers. */
const contextTerms = (analyzer: Analyzer, p: Passage): Set<string> => {
  const text = `${p.title === p.source.split("/").at(-1) ? p.title.replace(FILE_NAME, "") : p.title}\n${p.heading}`;
  const key = `${analyzer.id}:${analyzer.language}\n${text}`;
  let terms = namedTerms.get(key);
  if (!terms) {
    terms = new Set(analyzer.analyze(text));
    if (namedTerms.size >= NAMED_KEPT) namedTerms.delete(namedTerms.keys().next().value!);
    namedTerms.set(key, terms);
  }
  return terms;
};
const NAMED_KEPT = 4096;
const namedTerms = new Map<string, Set<string>>();

/** `asked`: the FAQ question the text answers (the unit before it, or its own section heading, ending with "?"), "" when none. */
type Piece = { passage: Passage; text: string; covered: Set<string>; asked: string };

/**
 * The best run of units of `p` for `wanted`, as text with the terms it (and p's headings) covers.
 * When the headings say at least as much of the question as any run does ("OPENING HOURS" for "What
 * are your opening hours?") the section itself is the answer: all of it when it fits.
 */
const pieceOf = (
  analyzer: Analyzer,
  wanted: ReadonlySet<string>,
  p: Passage,
  weight: TermWeights,
  strict = true,
): Piece | null => {
  const { units, lines, blocks } = unitsWithLines(p.text);
  const found = selectUnits(analyzer, wanted, units, weight, lines, blocks);
  const context = [...contextTerms(analyzer, p)].filter((t) => wanted.has(t));
  const section = new Set(analyzer.analyze(p.heading.split(" › ").at(-1) ?? ""));
  const whole = units.filter((u) => !u.endsWith("?"));
  const fits = whole.length > 0 && whole.join(" ").length <= MAX_ANSWER_CHARS;
  if (
    fits &&
    context.length > 0 &&
    (!found || shareOf(wanted, new Set(context), weight) >= shareOf(wanted, found.covered, weight) - 1e-9)
  ) {
    const said = new Set<string>();
    for (const u of whole)
      for (const t of [
        ...analyzer.analyze(u),
        ...termsAnsweredBy(analyzer.language, u),
        ...heldShapes(analyzer.language, u),
      ])
        if (wanted.has(t)) said.add(t);
    if (strict && !holdsKeyTerms(wanted, said, section, context, weight)) return null;
    return { passage: p, text: whole.join("\n"), covered: new Set([...context, ...said]), asked: ownQuestion(p) };
  }
  if (!found || (strict && !holdsKeyTerms(wanted, found.covered, section, context, weight))) return null;
  // The title and headings say as much of the question as any run (the question is about the document
  // as a whole: "What payment methods are secure?" over "Payment Methods and Security"), but the section
  // is too long to send: its lead, where a document states what it is about, answers rather than one
  // sentence that happens to repeat the question's words. A paragraph tied on the question (below) is
  // such a case too ("How do gift cards work?" over "Gift Cards and E-Gifts").
  if (
    strict &&
    context.length > 0 &&
    shareOf(wanted, new Set(context), weight) >= shareOf(wanted, found.covered, weight) - 1e-9
  ) {
    const lead = leadOf(whole);
    const said = new Set<string>(context);
    for (const u of lead)
      for (const t of [
        ...analyzer.analyze(u),
        ...termsAnsweredBy(analyzer.language, u),
        ...heldShapes(analyzer.language, u),
      ])
        if (wanted.has(t)) said.add(t);
    return { passage: p, text: lead.join(" "), covered: said, asked: ownQuestion(p) };
  }
  if (strict && found.tied) return null;
  const covered = new Set(found.covered);
  for (const t of context) covered.add(t);
  const entry = faqEntry(units, found.start, found.end);
  const shown = entry ?? found;
  const question = shown.start > 0 && units[shown.start - 1].endsWith("?") ? units[shown.start - 1] : "";
  if (
    strict &&
    question !== "" &&
    restsOnOtherQuestion(analyzer, wanted, question, units.slice(shown.start, shown.end + 1))
  )
    return null;
  if (entry) return { passage: p, text: units.slice(entry.start, entry.end + 1).join(" "), covered, asked: question };
  const asked = question || ownQuestion(p);
  return {
    passage: p,
    text: units
      .slice(found.start, found.end + 1)
      .join(found.end > found.start && units[found.start].endsWith(":") ? "\n" : " "),
    covered,
    asked,
  };
};

/**
 * The whole answer of the FAQ entry units start..end belong to (from the unit after its question up to
 * the next question), when it fits one reply: an FAQ answer is written as one answer, so its second
 * sentence ("Start with a free 20-minute consultation") is part of it, not a sibling. null when the
 * units follow no question or the answer is longer than a reply.
 */
const faqEntry = (units: readonly string[], start: number, end: number): { start: number; end: number } | null => {
  let first = start;
  while (first > 0 && !units[first - 1].endsWith("?")) first -= 1;
  if (first === 0) return null;
  let last = end;
  while (last + 1 < units.length && !units[last + 1].endsWith("?")) last += 1;
  return units.slice(first, last + 1).join(" ").length <= MAX_ANSWER_CHARS ? { start: first, end: last } : null;
};

/**
 * Whether an FAQ answer matches the customer's question only through its own question, and that
 * question asks about something the customer did not name ("How much should you expect to pay for
 * furniture?" for "When do I pay for the visa?"): the entry answers another question.
 */
const restsOnOtherQuestion = (
  analyzer: Analyzer,
  wanted: ReadonlySet<string>,
  asked: string,
  answer: readonly string[],
): boolean => {
  for (const u of answer)
    for (const t of [
      ...analyzer.analyze(u),
      ...termsAnsweredBy(analyzer.language, u),
      ...heldShapes(analyzer.language, u),
    ])
      if (wanted.has(t) && !isShape(t)) return false;
  return [...termsOf(analyzer, asked)].some((t) => !wanted.has(t) && !isLightQueryTerm(analyzer.language, t));
};

/** The first units of a section, as many as fit half a reply (at least one). */
const leadOf = (units: readonly string[]): string[] => {
  let end = 0;
  while (end + 1 < units.length && units.slice(0, end + 2).join(" ").length <= MAX_ANSWER_CHARS / 2) end += 1;
  return units.slice(0, end + 1);
};

/** A section headed by a question ("Can I cancel an order?") answers that question. */
const ownQuestion = (p: Passage): string => {
  const own = p.heading.split(" › ").at(-1)?.trim() ?? "";
  return own.endsWith("?") ? own : "";
};

// A question term weighing at least this share of its heaviest term is one of what it is about.
const KEY_SHARE = 0.75;

/**
 * Whether the answer takes the terms the question is most about (its heaviest term and any nearly as
 * heavy) from its own text or its own section heading rather than from the document's title or a
 * parent heading. Those cover all of a document's sections — "Students, schools and libraries" over
 * the student discount — so a term found only there does not make a unit about it ("Do schools get a
 * discount?": the student discount is no answer). A key term the passage lacks altogether only
 * lowers the coverage, as any missing term does.
 */
const holdsKeyTerms = (
  wanted: ReadonlySet<string>,
  said: ReadonlySet<string>,
  section: ReadonlySet<string>,
  context: readonly string[],
  weight: TermWeights,
): boolean => {
  const words = [...wanted].filter((t) => !isShape(t));
  const heaviest = Math.max(0, ...words.map(weight));
  return words.every(
    (t) => weight(t) < KEY_SHARE * heaviest - 1e-9 || said.has(t) || section.has(t) || !context.includes(t),
  );
};

const shareOf = (part: ReadonlySet<string>, covered: ReadonlySet<string>, weight: TermWeights): number => {
  let have = 0;
  let all = 0;
  for (const t of part) {
    all += weight(t);
    if (covered.has(t)) have += weight(t);
  }
  return all === 0 ? 1 : have / all;
};

/**
 * The no-LLM answer: the units (sentences, lines, list items) of the best passage that cover most of
 * the question, FAQ markers removed. A question that asks several things must have each part
 * covered (more than half of its weighted terms): a part the best passage misses is looked for in the next
 * passages, and if none covers it there is no answer (null: escalate) rather than half of one.
 * null too when no unit shares a term with the question: a passage that matched only on its title
 * is not an answer.
 */
export const knowledgeAnswer = (
  analyzer: Analyzer,
  question: string,
  passages: readonly Passage[],
  attribution: Attribution = "none",
  weight: TermWeights = EQUAL_WEIGHTS,
  readAs: (term: string) => string[] = (t) => [t],
): KnowledgeAnswer | null => {
  // What the message says only as context weighs as a light frame word does.
  const said = statedOnly(analyzer, question);
  if (said.size > 0) {
    const base = weight;
    weight = (t) => (said.has(t) ? base(t) * LIGHT_WEIGHT : base(t));
  }
  const parts = questionParts(analyzer, question).map((part) => new Set([...part].flatMap(readAs)));
  const wanted = new Set(parts.flatMap((p) => [...p]));
  const toUs = addressesBusiness(analyzer.language, question) && asksForContact(analyzer.language, wanted);
  // Asked for "your office address" or "your shop's hours", the premises word only says "you": it weighs as a frame word.
  if (toUs) {
    const base = weight;
    const premises = PREMISES[analyzer.language.toLowerCase().split(/[-_]/)[0] ?? ""];
    if (premises) weight = (t) => (premises.has(t) ? base(t) * LIGHT_WEIGHT : base(t));
  }
  const best = passages[0];
  let first = best ? pieceOf(analyzer, wanted, best, weight) : null;
  // The best passage has no value of the kind asked for ("How much is a child seat?" over an FAQ line
  // that names child seats): a passage further down that covers all of the question, value included,
  // answers instead — all of it, since the ranking put it lower. One-part questions only.
  const shapes = [...wanted].filter(isShape);
  if (parts.length === 1 && shapes.length > 0 && !(first && shapes.every((t) => first!.covered.has(t)))) {
    const next = passages
      .slice(1, PART_DEPTH)
      .map((p) => pieceOf(analyzer, wanted, p, weight))
      .find((piece) => piece !== null && shareOf(wanted, piece.covered, weight) >= 1 - 1e-9);
    if (next) first = next;
  }
  if (first) first = subjectPiece(analyzer, wanted, first, passages, weight);
  if (first && toUs) first = ownContactPiece(analyzer, wanted, first, passages, weight);
  // The best passage lacks the heaviest term of a one-part question, which a passage further down has along with all the
  // best one covers: that one is about what was asked ("How much does an apostille cost…?" over a page on paying for
  // furniture). Only the heaviest: two passages each lacking a lesser term are rivals (below), whatever the ranking.
  if (first && parts.length === 1 && !first.covered.has(heaviestTerm(wanted, weight))) {
    const better = answeredElsewhere(analyzer, wanted, first.covered, passages, [first], weight);
    // Cut into units only when its words could cover all the best one does (most such passages end here).
    const could = better !== null && mayCover(analyzer, first.covered, better);
    const other = could ? pieceOf(analyzer, wanted, better, weight) : null;
    if (
      other &&
      [...first.covered].every((t) => other.covered.has(t)) &&
      shareOf(wanted, other.covered, weight) > shareOf(wanted, first.covered, weight) + 1e-9
    )
      first = other;
  }
  // A multi-part question's best passage answers one part; its rivals are passages answering that part as well, not one answering another part.
  const own =
    parts.length > 1 && first
      ? parts.reduce((a, b) => (shareOf(b, first!.covered, weight) > shareOf(a, first!.covered, weight) ? b : a))
      : wanted;
  if (!first || rivalled(analyzer, own, first, passages, weight, toUs)) return null;
  const pieces = [first];
  const covered = new Set(first.covered);
  const enough = (part: Set<string>) =>
    parts.length === 1 ? shareOf(part, covered, weight) > 0 : shareOf(part, covered, weight) > 0.5;
  for (const part of parts) {
    if (enough(part)) continue;
    const extra = passages
      .slice(0, PART_DEPTH)
      .map((p) => pieceOf(analyzer, part, p, weight))
      .find(
        (piece) =>
          piece !== null && shareOf(part, piece.covered, weight) > 0.5 && !pieces.some((q) => q.text === piece.text),
      );
    if (!extra) return null;
    pieces.push(extra);
    for (const t of extra.covered) covered.add(t);
  }
  // The kind of value asked for (a price, a time, a duration) is no term like others: without one the reply answers nothing.
  if ([...wanted].some((t) => isShape(t) && !covered.has(t))) return null;
  const elsewhere = answeredElsewhere(analyzer, wanted, covered, passages, pieces, weight);
  if (elsewhere) {
    // The passage that has what this answer lacks answers instead when it says more of a one-part question and nothing rivals it
    // ("Can I send documents by Ural Airlines?": the page that says "send", over a table's "delivery options").
    const other = parts.length === 1 ? pieceOf(analyzer, wanted, elsewhere, weight) : null;
    if (!other || shareOf(wanted, other.covered, weight) <= shareOf(wanted, covered, weight) + 1e-9) return null;
    if (shapes.some((t) => !other.covered.has(t)) || rivalled(analyzer, wanted, other, passages, weight)) return null;
    if (answeredElsewhere(analyzer, wanted, other.covered, passages, [other], weight)) return null;
    pieces.splice(0, pieces.length, other);
    covered.clear();
    for (const t of other.covered) covered.add(t);
  }
  if (pieces.length === 1 && asksForList(analyzer.language, question))
    pieces[0] = listedIn(analyzer, wanted, pieces[0]);
  const used = pieces.map((p) => p.passage).filter((p, i, all) => all.indexOf(p) === i);
  const body = pieces.map((p) => p.text).join("\n");
  const credit = creditLine(used, attribution);
  return { text: credit ? `${body}\n\n${credit}` : body, used, coverage: shareOf(wanted, covered, weight) };
};

/**
 * Whether a key term of the question (as in holdsKeyTerms) that the answer lacks is found in another
 * retrieved passage that matches the question at least as well: then that passage is about what was
 * asked and this answer about something near it ("urgent apostille — price?" answered with the urgent
 * legalization price while the apostille's page is further down). A key term no passage has, or only
 * one that matches little else ("acceptance" in a price table), is only a missing share of the coverage.
 */
const answeredElsewhere = (
  analyzer: Analyzer,
  wanted: ReadonlySet<string>,
  covered: ReadonlySet<string>,
  passages: readonly Passage[],
  pieces: readonly Piece[],
  weight: TermWeights,
): Passage | null => {
  const words = [...wanted].filter((t) => !isShape(t));
  const heaviest = Math.max(0, ...words.map(weight));
  const lacking = words.filter((t) => weight(t) >= KEY_SHARE * heaviest - 1e-9 && !covered.has(t));
  if (lacking.length === 0) return null;
  const share = shareOf(wanted, covered, weight);
  return (
    passages.find((p) => {
      if (pieces.some((q) => q.passage === p)) return false;
      const terms = termsOfPassage(analyzer, p);
      if (!lacking.some((t) => terms.has(t)) || shareOf(wanted, terms, weight) < share - 1e-9) return false;
      // A passage without any figure cannot give the value the answer gives ("price": $1100): it does not answer what was asked either.
      return !lacksValueOf(analyzer, covered, terms, p.text);
    }) ?? null
  );
};

/**
 * Whether a text gives none of the values an answer gives for the question's value words ("price",
 * "cost", "open": the words a figure answers) while not saying those words itself: it holds no figure
 * at all. Only the absence of every figure counts, so a price written in a way the value patterns do not
 * know ("19,000 rubles") never makes a rival or a better passage disappear.
 */
const lacksValueOf = (
  analyzer: Analyzer,
  covered: ReadonlySet<string>,
  terms: ReadonlySet<string>,
  text: string,
): boolean => !/\d/.test(text) && [...covered].some((t) => isValueWord(analyzer.language, t) && !terms.has(t));

// A passage of another document that covers the question within this share of the best one's is a rival.
const RIVAL_MARGIN = 0.1;
// ...and that the search ranked within this ratio of its score (a far weaker match is no rival).
const RIVAL_SCORE = 0.5;

/**
 * Whether another document among the top passages answers the question about as well as the best
 * one does, with something else. "What are your opening hours?" matches the consulate's hours in a
 * visa table as well as the agency's own on its contact page; which one the customer means the
 * ranking cannot tell, and quoting the wrong one is a wrong answer, so neither is sent. A rival
 * that says the same thing (the same figures, or text contained in the best's) is no rival, nor one
 * whose title does not name the question's key terms when the best one's does (the refund policy page
 * against the payment page's "refund processing times"), nor, for an FAQ entry asked as the customer
 * asks, anything but an entry asked as closely.
 */
const rivalled = (
  analyzer: Analyzer,
  wanted: ReadonlySet<string>,
  first: Piece,
  passages: readonly Passage[],
  weight: TermWeights,
  toUs = false,
): boolean => {
  const ours = toUs && isContactPage(analyzer, first.passage);
  const share = shareOf(wanted, first.covered, weight);
  const faq = askedShare(analyzer, wanted, first, weight);
  const keys = keyTerms(wanted, weight);
  const titled = (p: Passage) => namesAll(analyzer, keys, p);
  let firstTitled: boolean | null = null; // only looked up for a passage that gets as far as a rival
  const figures = figuresOf(first.text);
  return passages.slice(0, PART_DEPTH).some((p) => {
    if (p === first.passage) return false;
    if (p.source === first.passage.source || p.score < first.passage.score * RIVAL_SCORE) return false;
    // What the whole passage could cover at most (its cached terms, the words its values answer, any value kind): most rivals end here, unanalysed.
    const terms = termsOfPassage(analyzer, p);
    const answered = new Set(termsAnsweredBy(analyzer.language, p.text));
    const most = new Set([...wanted].filter((t) => isShape(t) || terms.has(t) || answered.has(t)));
    if (shareOf(wanted, most, weight) < share - RIVAL_MARGIN) return false;
    const rival = pieceOf(analyzer, wanted, p, weight, false);
    if (!rival || shareOf(wanted, rival.covered, weight) < share - RIVAL_MARGIN) return false;
    // Asked for "your" hours or phone, the business's own contact page answers; another document's (the consulate's hours) rivals it only by covering more.
    if (ours && !isContactPage(analyzer, p) && shareOf(wanted, rival.covered, weight) <= share + 1e-9) return false;
    // An FAQ entry whose question is the customer's is what the business wrote to answer it: only an entry asked as closely rivals it.
    if (faq >= FAQ_MATCH && askedShare(analyzer, wanted, rival, weight) < faq - 1e-9) return false;
    // A document that only mentions what another's title names ("refund processing times" on the payment page, against "Return and Refund Policies") is no rival to it.
    if ((firstTitled ??= titled(first.passage)) && !titled(p)) return false;
    if (first.text.includes(rival.text) || rival.text.includes(first.text)) return false;
    // The best one gives the value asked for ("price", "cost", "open": a figure that answers the word) and the rival does not: it is no answer to the question.
    if (lacksValueOf(analyzer, first.covered, rival.covered, rival.text)) return false;
    const theirs = figuresOf(rival.text);
    if (theirs.size === 0 && figures.size === 0 && saysSameOf(analyzer, wanted, first, rival, weight)) return false;
    return !(theirs.size > 0 && [...theirs].filter((f) => figures.has(f)).length * 2 >= theirs.size);
  });
};

/** Whether a passage's words (and the question words its values answer) include every word term of `covered`. */
const mayCover = (analyzer: Analyzer, covered: ReadonlySet<string>, p: Passage): boolean => {
  const terms = termsOfPassage(analyzer, p);
  let answered: Set<string> | null = null;
  for (const t of covered) {
    if (isShape(t) || terms.has(t)) continue;
    answered ??= new Set(termsAnsweredBy(analyzer.language, p.text));
    if (!answered.has(t)) return false;
  }
  return true;
};

/** The question's heaviest word ("" for a question of value kinds only). */
const heaviestTerm = (wanted: ReadonlySet<string>, weight: TermWeights): string =>
  [...wanted].filter((t) => !isShape(t)).reduce((a, b) => (a === "" || weight(b) > weight(a) ? b : a), "");

/** The question's key terms (as in holdsKeyTerms): its heaviest word and any nearly as heavy. */
const keyTerms = (wanted: ReadonlySet<string>, weight: TermWeights): string[] => {
  const words = [...wanted].filter((t) => !isShape(t));
  const heaviest = Math.max(0, ...words.map(weight));
  return words.filter((t) => weight(t) >= KEY_SHARE * heaviest - 1e-9);
};

/** Whether a passage's title or headings name every key term: its document is about the question's subject. */
const namesAll = (analyzer: Analyzer, keys: readonly string[], p: Passage): boolean => {
  if (keys.length === 0) return false;
  const named = contextTerms(analyzer, p);
  return keys.every((t) => named.has(t));
};

/**
 * The document about the question's subject over one that mentions it. When the best passage's
 * title and headings do not name the question's key terms and a passage of another document ranked
 * near it (within RIVAL_SCORE, in the top PART_DEPTH) has them in its title or headings and answers
 * about as much of the question (within RIVAL_MARGIN), that one answers: "What are seller commission
 * rates?" is for the commission page, not the seller page's line on one plan's commission.
 */
const subjectPiece = (
  analyzer: Analyzer,
  wanted: ReadonlySet<string>,
  first: Piece,
  passages: readonly Passage[],
  weight: TermWeights,
): Piece => {
  const keys = keyTerms(wanted, weight);
  if (keys.length === 0 || namesAll(analyzer, keys, first.passage)) return first;
  const share = shareOf(wanted, first.covered, weight);
  for (const p of passages.slice(0, PART_DEPTH)) {
    if (
      p.source === first.passage.source ||
      p.score < first.passage.score * RIVAL_SCORE ||
      !namesAll(analyzer, keys, p)
    )
      continue;
    const piece = pieceOf(analyzer, wanted, p, weight);
    if (piece && shareOf(wanted, piece.covered, weight) >= share - RIVAL_MARGIN) return withLead(piece);
  }
  return first;
};

// Title or heading words of a business's page about itself (stems, as the analyzers give them).
const CONTACT_WORDS: Record<string, ReadonlySet<string>> = {
  en: new Set(["contact", "about", "us", "locat", "store", "offic", "hour"]),
  de: new Set(["kontakt", "kontakte", "impressum", "öffnungszeiten", "anfahrt", "standort", "standorte", "über"]),
};

// Question words (stems) asking how to reach or find the business: its hours, address, phone, channels.
const CONTACT_ASKED: Record<string, ReadonlySet<string>> = {
  en: new Set([
    "hour",
    "open",
    "close",
    "address",
    "phone",
    "email",
    "mail",
    "contact",
    "locat",
    "location",
    "offic",
    "office",
    "wechat",
    "whatsapp",
    "telegram",
    "call",
    "reach",
  ]),
  de: new Set([
    "öffnungszeiten",
    "geöffnet",
    "offen",
    "adresse",
    "telefon",
    "telefonnummer",
    "nummer",
    "kontakt",
    "email",
    "e-mail",
    "erreichen",
    "erreiche",
    "anrufen",
  ]),
};

// Words for the business's own premises (stems): in a question asking for "your" contact details they name the business, not a subject;
// and the words for the detail itself ("number", "id"), which the value on a contact line ("WeChat: dima_tri") is rather than says.
const DETAILS: Record<string, ReadonlySet<string>> = {
  en: new Set(["id", "number", "handl", "handle", "usernam", "username"]),
  de: new Set(["id", "nummer", "benutzername"]),
};
const PREMISES: Record<string, ReadonlySet<string>> = {
  en: new Set(["offic", "store", "shop", "premis", ...DETAILS.en]),
  de: new Set(["büro", "laden", "geschäft", "filiale", ...DETAILS.de]),
};

/** The business's own contact page piece with the detail words asked for ("number", "id") covered when it gives a value (a figure, a "WeChat: …" line): the value is the detail. */
const withDetails = (analyzer: Analyzer, wanted: ReadonlySet<string>, piece: Piece): Piece => {
  const details = DETAILS[analyzer.language.toLowerCase().split(/[-_]/)[0] ?? ""];
  if (!details || !/\d|\p{L}:[ \t]*\S/u.test(piece.text)) return piece;
  const asked = [...wanted].filter((t) => details.has(t) && !piece.covered.has(t));
  return asked.length === 0 ? piece : { ...piece, covered: new Set([...piece.covered, ...asked]) };
};

/** Whether the question asks for the business's contact details (hours, address, phone, channels). */
const asksForContact = (language: string, wanted: ReadonlySet<string>): boolean => {
  const words = CONTACT_ASKED[language.toLowerCase().split(/[-_]/)[0] ?? ""];
  return words !== undefined && [...wanted].some((t) => words.has(t));
};

/**
 * Whether a passage's title and headings say it is the business's own contact page: they name
 * nothing but contact words ("Contacts", "About us", "Kontakt", "Store hours"). "Consulate contacts"
 * names another organisation's.
 */
const isContactPage = (analyzer: Analyzer, p: Passage): boolean => {
  const words = CONTACT_WORDS[analyzer.language.toLowerCase().split(/[-_]/)[0] ?? ""];
  const named = [...contextTerms(analyzer, p)];
  return words !== undefined && named.length > 0 && named.every((t) => words.has(t));
};

/**
 * Asked "your" hours, address or phone, the business's own contact page over another document ranked
 * above it: "What are your opening hours?" is about the agency's hours on its contacts page, not the
 * consulate's in a visa table. Taken when the page (among the retrieved passages, within RIVAL_SCORE)
 * covers the question about as well (within RIVAL_MARGIN).
 */
const ownContactPiece = (
  analyzer: Analyzer,
  wanted: ReadonlySet<string>,
  first: Piece,
  passages: readonly Passage[],
  weight: TermWeights,
): Piece => {
  if (isContactPage(analyzer, first.passage)) return withDetails(analyzer, wanted, first);
  const share = shareOf(wanted, first.covered, weight);
  for (const p of passages) {
    if (p.source === first.passage.source || p.score < first.passage.score * RIVAL_SCORE || !isContactPage(analyzer, p))
      continue;
    const found = pieceOf(analyzer, wanted, p, weight);
    const piece = found && withDetails(analyzer, wanted, found);
    if (piece && shareOf(wanted, piece.covered, weight) >= share - RIVAL_MARGIN) return piece;
  }
  return first;
};

/**
 * A piece of the document about the subject, led by the document's own first sentence when the piece
 * is not it and both fit one reply: the question named the document's subject, and its lead is where
 * the document says what it is ("Shoplite's commission model varies by product category: …") before
 * the line the question's other words picked ("…commission rates reduced by 1-2%").
 */
const withLead = (piece: Piece): Piece => {
  const lead = unitsWithLines(piece.passage.text).units.find((u) => !u.endsWith("?") && !u.endsWith(":"));
  if (!lead || piece.text.includes(lead)) return piece;
  const text = `${lead} ${piece.text}`;
  return text.length <= MAX_ANSWER_CHARS ? { ...piece, text } : piece;
};

/**
 * A list question's answer in a document whose title or headings name what it asks about: the
 * section's lead (half a reply, where a document lists what it covers) goes before the unit the
 * question's words picked, when both fit one reply. "What inventory tools do sellers have?" on
 * "Inventory Management for Sellers" is answered by "Inventory features include low stock alerts, …",
 * not only by the one sentence that happens to say "tools" ("Seasonal inventory planning tools…").
 */
const listedIn = (analyzer: Analyzer, wanted: ReadonlySet<string>, piece: Piece): Piece => {
  if (![...contextTerms(analyzer, piece.passage)].some((t) => wanted.has(t))) return piece;
  const lead = leadOf(unitsWithLines(piece.passage.text).units.filter((u) => !u.endsWith("?")));
  const missing = lead.filter((u) => !piece.text.includes(u));
  if (missing.length === 0) return piece;
  const text = `${missing.join(" ")} ${piece.text}`;
  return text.length <= MAX_ANSWER_CHARS ? { ...piece, text } : piece;
};

const NEGATION = /\b(?:not?|never|cannot|can't|don't|doesn't|won't|isn't|aren't|without|nicht|kein\w*|nie)\b/i;

/**
 * Whether two pieces without figures say the same about the question: the question words one carries
 * (light frame words aside) are all among the other's, each carries most of the question, and both or neither negate ("you
 * can send documents by the S7 'flying envelope'" on two pages). A rival worded alike but saying
 * "not" where the other does not is still a rival.
 */
const saysSameOf = (
  analyzer: Analyzer,
  wanted: ReadonlySet<string>,
  a: Piece,
  b: Piece,
  weight: TermWeights,
): boolean => {
  const words = (p: Piece) =>
    new Set([...p.covered].filter((t) => !isShape(t) && !isLightQueryTerm(analyzer.language, t)));
  const [x, y] = [words(a), words(b)];
  const within = (small: Set<string>, big: Set<string>) => [...small].every((t) => big.has(t));
  const most = (p: Piece) => shareOf(wanted, p.covered, weight) >= SAME_SHARE;
  return (within(x, y) || within(y, x)) && most(a) && most(b) && NEGATION.test(a.text) === NEGATION.test(b.text);
};
const SAME_SHARE = 0.6;

// An FAQ question asking at least this share of the customer's question's weight is the customer's question.
const FAQ_MATCH = 0.75;

/** How much of the question the FAQ question a piece answers asks too (0 when it answers none). */
const askedShare = (analyzer: Analyzer, wanted: ReadonlySet<string>, piece: Piece, weight: TermWeights): number =>
  piece.asked === ""
    ? 0
    : shareOf(
        wanted,
        new Set([...analyzer.analyze(piece.asked), ...askedShapes(analyzer.language, piece.asked)]),
        weight,
      );

const figuresOf = (text: string): Set<string> => new Set(text.match(/(?<!\p{L})\d+(?:[.,:]\d+)*/gu) ?? []);

/** The attribution line under a reply, or "" (policy none, or nothing worth showing). */
const creditLine = (used: readonly Passage[], attribution: Attribution): string => {
  if (attribution === "none") return "";
  const names = used
    .map((p) =>
      attribution === "url" && p.url
        ? p.url
        : FILE_NAME.test(p.title) && p.title === p.source.split("/").at(-1)
          ? ""
          : p.title,
    )
    .filter((n, i, all) => n !== "" && all.indexOf(n) === i);
  return names.length === 0 ? "" : `(Source: ${names.join("; ")})`;
};
