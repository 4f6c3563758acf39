import { isLightQueryTerm, LIGHT_WEIGHT, type SearchResult } from "../rag";
import type { TermWeights } from "./sentence-select";

/**
 * How much each question term weighs in the no-LLM answer: its IDF from the search (when the backend
 * gave it), a quarter for the light words of a question's frame ("take", "work"). A word no document
 * has weighs as the rarest known one, not more: it is as often a typo or a compound ("giftcards") as a
 * thing the brand does not offer ("Mars"), and the missing share escalates either way.
 */
export const weightsOf = (
  result: SearchResult,
  language: string,
  canon: (term: string) => string = (t) => t,
): TermWeights => {
  // Terms read as one (equivalents.ts: "pay" and "payment") weigh as the commonest of them the documents have: together they are at least that common.
  const idf = new Map<string, number>();
  for (const t of result.terms ?? []) {
    const term = canon(t.term);
    const w = t.df > 0 ? t.idf : -1;
    const had = idf.get(term);
    idf.set(term, had === undefined || had < 0 ? w : w < 0 ? had : Math.min(had, w));
  }
  const known = [...idf.values()].filter((w) => w >= 0);
  const rarest = known.length > 0 ? Math.max(...known) : 1;
  return (term) => {
    const w = idf.get(term);
    const base = w === undefined || idf.size === 0 ? 1 : w < 0 ? rarest : w;
    return isLightQueryTerm(language, term) ? base * LIGHT_WEIGHT : base;
  };
};

/** How the search read each question term: itself, or the known terms an unknown one was searched as. */
export const readingsOf = (
  result: SearchResult,
  canon: (term: string) => string = (t) => t,
): ((term: string) => string[]) => {
  const read = new Map(
    (result.terms ?? []).flatMap((t) => (t.read_as ? [[canon(t.term), t.read_as.map(canon)] as const] : [])),
  );
  return (term) => read.get(term) ?? [term];
};
