import { isLightQueryTerm, LIGHT_WEIGHT, type SearchResult } from "../rag";
import type { TermWeights } from "./sentence-select";

/**
 * How much each question term weighs in the no-LLM answer: its IDF from the search (when the backend
 * gave it), a quarter for the light words of a question's frame ("take", "work"). A word no document
 * has weighs as the rarest known one, not more: it is as often a typo or a compound ("giftcards") as a
 * thing the brand does not offer ("Mars"), and the missing share escalates either way.
 */
export const weightsOf = (result: SearchResult, language: string): TermWeights => {
  const idf = new Map((result.terms ?? []).map((t) => [t.term, t.df > 0 ? t.idf : -1]));
  const known = [...idf.values()].filter((w) => w >= 0);
  const rarest = known.length > 0 ? Math.max(...known) : 1;
  return (term) => {
    const w = idf.get(term);
    const base = w === undefined || idf.size === 0 ? 1 : w < 0 ? rarest : w;
    return isLightQueryTerm(language, term) ? base * LIGHT_WEIGHT : base;
  };
};

/** How the search read each question term: itself, or the known terms an unknown one was searched as. */
export const readingsOf = (result: SearchResult): ((term: string) => string[]) => {
  const read = new Map((result.terms ?? []).flatMap((t) => (t.read_as ? [[t.term, t.read_as] as const] : [])));
  return (term) => read.get(term) ?? [term];
};
