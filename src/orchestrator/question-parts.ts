import { isLightQueryTerm, stripQueryFiller, type Analyzer } from "../rag";
import { askedShapes, isShape } from "./answer-shapes";

// Where a question asks a second thing: after "?", or at "and"/"also"/"," followed by a question word
// ("How much does it cost and how long does it take?"). Per language, like the query filler words.
const SECOND_QUESTION: Record<string, RegExp> = {
  en: /\?\s*|[,;]?\s+(?:and|also|plus)\s+(?=(?:what|when|where|which|who|why|how|do|does|did|can|could|is|are|will|would)\b)|,\s+(?=(?:what|when|where|which|who|why|how)\b)/giu,
  de: /\?\s*|[,;]?\s+(?:und|außerdem|sowie)\s+(?=(?:was|wie|wann|wo|welche[rsnm]?|wer|warum|kann|können|gibt|ist|sind)(?![\p{L}]))/giu,
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
  const pieces = splitter ? question.split(splitter) : [question];
  const parts: Set<string>[] = [];
  for (const piece of pieces) {
    const terms = new Set([...analyzer.analyze(stripQueryFiller(analyzer.language, piece)), ...askedShapes(analyzer.language, piece)]);
    if (terms.size === 0) continue;
    // A part of light frame words only ("…and how long does it take?") asks about the part before it.
    const last = parts.at(-1);
    if (last && [...terms].every((t) => isLightQueryTerm(analyzer.language, t) || isShape(t))) for (const t of terms) last.add(t);
    else parts.push(terms);
  }
  return parts.length > 0 ? parts : [new Set(analyzer.analyze(question))];
};
