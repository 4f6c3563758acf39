import { termsAnsweredBy, type Analyzer } from "../rag";
import { heldShapes } from "./answer-shapes";

/** At most this many characters of a passage make an answer; longer runs are not an answer but a page. */
export const MAX_ANSWER_CHARS = 600;
const MAX_UNITS = 3;
const BARE_ANSWER_CHARS = 12;

// FAQ markers a document may carry ("Q: …", "A: …", "Answer - …"): the customer must never see them.
const QA_PREFIX = /^(?:q|a|question|answer|frage|antwort)\s*[:.)\-–]\s*/i;
// A list marker at the start of a line ("- ", "• ", "1. "): the unit is the item, not its bullet.
const BULLET = /^(?:[-*•▪◦–]|\d{1,2}[.)])\s+/;

/** Text without its FAQ/list markers, as it may be shown to a customer. */
export const cleanUnit = (text: string): string =>
  text.replace(QA_PREFIX, "").replace(BULLET, "").replace(QA_PREFIX, "").trim();

/**
 * A passage cut into answer units: each line, then each sentence of a line. A sentence ends at
 * . ! ? followed by a space and a capital or digit, so "4.90 euros" and "e.g. this" stay whole.
 */
// Not after a title or common abbreviation ("Dr. Okafor", "z. B. Brot", "No. 5"): those dots end no sentence.
const SENTENCE_END =
  /(?<!\b(?:Dr|Mr|Mrs|Ms|Prof|St|Nr|No|Vol|ca|bzw|z\.\s?B|d\.\s?h|u\.\s?a|e\.g|i\.e|etc|vs)\.)(?<=[.!?]["')\]]?)\s+(?=[\p{Lu}\p{N}"“(])/u;

export const unitsOf = (text: string): string[] => unitsWithLines(text).units;

/**
 * The units of a passage and, for each, the line (paragraph) it belongs to and its block: the lines
 * between two blank lines ("Hamburg office" and its address, phone and hours), which a run of units
 * never leaves.
 */
export const unitsWithLines = (text: string): { units: string[]; lines: number[]; blocks: number[] } => {
  const units: string[] = [];
  const lines: number[] = [];
  const blocks: number[] = [];
  let block = 0;
  text.split(/\n(?:[ \t]*\n)+/).forEach((part) => {
    part.split(/\n/).forEach((line) => {
      if (line.trim() === "") return;
      const n = lines.length === 0 ? 0 : lines[lines.length - 1] + 1;
      for (const sentence of line.split(SENTENCE_END)) {
        const unit = cleanUnit(sentence);
        if (unit !== "") (units.push(unit), lines.push(n), blocks.push(block));
      }
    });
    block += 1;
  });
  return { units, lines, blocks };
};

export type Selection = { start: number; end: number; covered: Set<string>; score: number; tied?: boolean };

/**
 * Each unit's question terms, with those its values answer (a price answers "cost": query-words.ts).
 * A question (an FAQ's) is never answer text: its terms go to the answer right after it.
 */
const termsOfUnits = (analyzer: Analyzer, wanted: ReadonlySet<string>, units: readonly string[]): Set<string>[] => {
  let asked: string[] = [];
  return units.map((u) => {
    const terms = [
      ...analyzer.analyze(u),
      ...termsAnsweredBy(analyzer.language, u),
      ...heldShapes(analyzer.language, u),
    ].filter((t) => wanted.has(t));
    if (u.endsWith("?")) {
      asked = terms;
      return new Set<string>();
    }
    const own = new Set([...terms, ...asked]);
    asked = [];
    return own;
  });
};

/**
 * Weights for the question's terms inside one passage: a term found in few of its units tells
 * the units apart ("40" among lines that all say "foot container"), one in every unit does not.
 * This is IDF over the passage's units (one pass over a few hundred words), times the term's IDF
 * over the brand's knowledge when the backend gave it ("Yekaterinburg" tells more than "number").
 */
const unitWeights = (
  wanted: ReadonlySet<string>,
  unitTerms: readonly Set<string>[],
  corpus: TermWeights,
): Map<string, number> => {
  const weights = new Map<string, number>();
  for (const term of wanted) {
    const df = unitTerms.reduce((n, terms) => n + (terms.has(term) ? 1 : 0), 0);
    weights.set(term, df === 0 ? 0 : (1 + Math.log(unitTerms.length / df)) * corpus(term));
  }
  return weights;
};

/** How much a question term weighs over the whole knowledge base (its IDF), 1 when unknown. */
export type TermWeights = (term: string) => number;
export const EQUAL_WEIGHTS: TermWeights = () => 1;

const weightOf = (terms: Iterable<string>, weights: ReadonlyMap<string, number>): number => {
  let w = 0;
  for (const t of terms) w += weights.get(t) ?? 0;
  return w;
};

/**
 * The run of up to three consecutive units that covers most of the question (each distinct term
 * once, weighted as above); at equal coverage the shorter run. A run starts on its strongest unit
 * — what it is about comes first, its details after ("40-foot container: 62m2. Capacity 5-8 tons.")
 * — and never ends on a unit that adds nothing. Questions inside the passage (FAQ headings) are
 * never part of it. null when no unit carries a question term.
 */
export const selectUnits = (
  analyzer: Analyzer,
  wanted: ReadonlySet<string>,
  units: readonly string[],
  corpus: TermWeights = EQUAL_WEIGHTS,
  lines?: readonly number[],
  blocks?: readonly number[],
): Selection | null => {
  const sameBlock = (i: number, j: number) => blocks === undefined || blocks[i] === blocks[j];
  const unitTerms = termsOfUnits(analyzer, wanted, units);
  const weights = unitWeights(wanted, unitTerms, corpus);
  const own = unitTerms.map((t) => weightOf(t, weights));
  let best: Selection | null = null;
  let bestLength = Infinity;
  for (let i = 0; i < units.length; i++) {
    if (own[i] === 0) continue;
    const covered = new Set<string>();
    let score = 0;
    let length = -1;
    for (let j = i; j < Math.min(units.length, i + MAX_UNITS); j++) {
      if (units[j].endsWith("?") || own[j] > own[i] || !sameBlock(i, j)) break;
      length += units[j].length + 1;
      if (length > MAX_ANSWER_CHARS) break;
      let added = 0;
      for (const t of unitTerms[j]) if (!covered.has(t)) (covered.add(t), (added += weights.get(t) ?? 0));
      if (added === 0) continue;
      score += added;
      if (!best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && length < bestLength)) {
        best = { start: i, end: j, covered: new Set(covered), score };
        bestLength = length;
      }
    }
  }
  if (!best) return null;
  // Whether another run of the chosen one's paragraph (apart from it and the units next to it) covers
  // every term the chosen one does: then the paragraph is about the question as a whole ("How do gift
  // cards work?" over a page on gift cards) and no one sentence of it is the answer. Across lines
  // (records, list items, a contact block) a repeated term is what the entries share, not a tie.
  const widened = widen(units, best, own, sameBlock);
  // What the units joined to complete it say is said by the reply too ("Yekaterinburg:" … "Contact phones:").
  const said = new Set(widened.covered);
  for (let j = best.end + 1; j <= widened.end; j++) for (const t of unitTerms[j]) said.add(t);
  const chosen = { ...widened, covered: said };
  const apart = (j: number) =>
    (j < chosen.start - 1 || j > chosen.end + 1) && lines !== undefined && lines[j] === lines[chosen.start];
  let tied = false;
  for (let i = 0; i < units.length && !tied; i++) {
    if (own[i] === 0 || !apart(i)) continue;
    const covered = new Set<string>();
    for (
      let j = i;
      j < Math.min(units.length, i + best.end - best.start + 1) && apart(j) && !units[j].endsWith("?");
      j++
    ) {
      for (const t of unitTerms[j]) covered.add(t);
      if ([...chosen.covered].every((t) => covered.has(t))) tied = true;
    }
  }
  return { ...chosen, tied };
};

/**
 * The selection widened to what completes it. A unit that ends with ":" introduces what follows
 * ("Opening hours:" then the days), so the following units join while they fit. Otherwise the next
 * units often finish the thought ("Orders ship in 2 days. Express is next-day."): they join while the
 * whole stays short (half the budget, three units), but not a unit about the question at least half
 * as much as the selection's first (a sibling — the next container size — not the rest of this answer), nor one
 * that introduces a list of its own. Never across a question (that is the next FAQ) or a blank line.
 */
const widen = (
  units: readonly string[],
  sel: Selection,
  own: readonly number[],
  sameBlock: (i: number, j: number) => boolean,
): Selection => {
  const introduces = units[sel.end].endsWith(":");
  const budget = introduces ? MAX_ANSWER_CHARS : MAX_ANSWER_CHARS / 2;
  const most = introduces ? sel.end + 6 : sel.start + MAX_UNITS - 1;
  let end = sel.end;
  let length = units.slice(sel.start, end + 1).join(" ").length;
  while (
    end < most &&
    end + 1 < units.length &&
    !units[end + 1].endsWith("?") &&
    sameBlock(sel.start, end + 1) &&
    length + units[end + 1].length < budget
  ) {
    // A bare "Yes." or "No." (an FAQ answer's first word) says nothing alone: what follows always joins it.
    const bare = end === sel.start && units[sel.start].length <= BARE_ANSWER_CHARS;
    if (!introduces && !bare && (own[end + 1] >= own[sel.start] / 2 || units[end + 1].endsWith(":"))) break;
    end += 1;
    length += units[end].length + 1;
  }
  return { ...sel, end };
};
