import { stripQueryFiller, type Analyzer } from "../rag";

// Where a question asks a second thing: after "?", or at "and"/"also"/"," followed by a question word
// ("How much does it cost and how long does it take?"). Per language, like the query filler words.
const SECOND_QUESTION: Record<string, RegExp> = {
  en: /\?\s*|[,;]?\s+(?:and|also|plus)\s+(?=(?:what|when|where|which|who|why|how|do|does|did|can|could|is|are|will|would)\b)|,\s+(?=(?:what|when|where|which|who|why|how)\b)/giu,
  de: /\?\s*|[,;]?\s+(?:und|außerdem|sowie)\s+(?=(?:was|wie|wann|wo|welche[rsnm]?|wer|warum|kann|können|gibt|ist|sind)(?![\p{L}]))/giu,
};

/**
 * The parts of a customer's question, each as its set of content terms (filler words dropped);
 * parts without content ("Hi!", "Thanks?") are left out. One part for a simple question.
 * A reply must cover every part, or it answers only half of what was asked.
 */
export const questionParts = (analyzer: Analyzer, question: string): Set<string>[] => {
  const splitter = SECOND_QUESTION[analyzer.language];
  const pieces = splitter ? question.split(splitter) : [question];
  const parts = pieces
    .map((piece) => new Set(analyzer.analyze(stripQueryFiller(analyzer.language, piece))))
    .filter((terms) => terms.size > 0);
  return parts.length > 0 ? parts : [new Set(analyzer.analyze(question))];
};
