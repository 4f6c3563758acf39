import { analyzerFor, stripQueryFiller, type Analyzer } from "../rag";
import type { Confidence, Passage } from "./types";

// Words that shape a question but say nothing about its subject ("what", "can I", "please"; per
// language, shared with retrieval's query side): they would make every question look half-covered.
export const termsOf = (analyzer: Analyzer, text: string): Set<string> =>
  new Set(analyzer.analyze(stripQueryFiller(analyzer.language, text)));
const passageText = (p: Passage) => `${p.title}\n${p.heading}\n${p.text}`;

/** Passages recur in answer after answer (the same few chunks answer most questions), so their terms are kept. */
const PASSAGE_TERMS_KEPT = 4096;
const passageTerms = new Map<string, Map<string, Set<string>>>(); // by analyzer (id and language), then text

/** A passage's terms: analysed once per text and analyzer, then read from a bounded cache (oldest out first). */
export const termsOfPassage = (analyzer: Analyzer, p: Passage): Set<string> => {
  const text = passageText(p);
  const key = `${analyzer.id}:${analyzer.language}`;
  let kept = passageTerms.get(key);
  if (!kept) passageTerms.set(key, (kept = new Map()));
  let terms = kept.get(text);
  if (!terms) {
    terms = termsOf(analyzer, text);
    if (kept.size >= PASSAGE_TERMS_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(text, terms);
  }
  return terms;
};

const share = (wanted: Set<string>, have: Set<string>): number => {
  if (wanted.size === 0) return 0;
  let n = 0;
  for (const t of wanted) if (have.has(t)) n += 1;
  return n / wanted.size;
};

/**
 * Retrieval strength: how much of the question the best of the top passages covers (share of the
 * question's content terms it contains), or its embedding similarity when dense search ran, whichever
 * is higher. BM25 scores are not comparable across queries; coverage is, and stays in 0..1.
 */
export const retrievalStrength = (analyzer: Analyzer, question: string, passages: readonly Passage[]): number => {
  const wanted = termsOf(analyzer, question);
  let best = 0;
  for (const p of passages.slice(0, 3)) {
    const coverage = share(wanted, termsOfPassage(analyzer, p));
    best = Math.max(best, coverage, Math.min(1, Math.max(0, p.dense ?? 0)));
  }
  return best;
};

/**
 * Grounding: the share of the answer's content terms found in the passages (or the question: repeating
 * the customer's words is not making things up). An answer without content words (“Yes.”) gets 0.5:
 * it may be right, but nothing shows it.
 */
export const grounding = (
  analyzer: Analyzer,
  answer: string,
  passages: readonly Passage[],
  question: string,
): number => {
  const said = termsOf(analyzer, answer);
  if (said.size === 0) return 0.5;
  // The terms of question and passages together: analysing is per line, so the union of each one's terms.
  const known = [termsOf(analyzer, question), ...passages.map((p) => termsOfPassage(analyzer, p))];
  let n = 0;
  for (const t of said) if (known.some((k) => k.has(t))) n += 1;
  return n / said.size;
};

const HEDGES =
  /\b(i\s+(do\s+not|don't)\s+know|i('m|\s+am)\s+not\s+sure|(cannot|can't|could\s+not|couldn't)\s+find|no\s+information|not\s+(mentioned|covered)\s+in|i\s+(do\s+not|don't)\s+have\s+(that|this|any)\s+information|a\s+colleague\s+will\s+follow\s+up)\b/i;

/** The model's own signal: a finished answer scores 1, a cut-off or filtered one less, a hedge almost nothing. */
export const modelSignal = (finishReason: string, text: string): number => {
  if (text.trim() === "" || HEDGES.test(text)) return 0.1;
  if (finishReason === "stop") return 1;
  if (finishReason === "length") return 0.4;
  if (finishReason === "content_filter") return 0;
  return 0.8;
};

/** LLM answers: grounding weighs most (it is about this answer), then retrieval, then the model's signal. */
export const blend = (retrieval: number, ground: number, model: number): Confidence => ({
  value: round(0.35 * retrieval + 0.45 * ground + 0.2 * model),
  retrieval: round(retrieval),
  grounding: round(ground),
  model: round(model),
});

/**
 * Knowledge-mode answers (no LLM): the passage is its own grounding, so what is uncertain is only
 * whether it answers the question: how much of the question's weight (IDF, light frame words a
 * quarter: term-weights.ts) the extracted answer and its passage's headings carry. `retrieval` (the
 * unweighted share over the top passages) is kept for the record; it cannot exceed what it measures
 * more crudely. Coverage is rescaled so that a threshold means what it says: half or less is nothing,
 * all of it is 1, and the default threshold 0.45 lets through answers that carry about 72 % of the
 * question's weight. The floor (0.4 before) was raised once the wrong passages above it were gone: the
 * wrong replies left sat just above 0.4 coverage + threshold, and 0.5 removes them for one right answer
 * per group (BENCH.md, both answering groups).
 */
export const knowledgeConfidence = (retrieval: number, coverage: number): Confidence => {
  return {
    value: round((coverage - KNOWLEDGE_FLOOR) / (1 - KNOWLEDGE_FLOOR)),
    retrieval: round(retrieval),
    grounding: coverage > 0 ? 1 : 0,
    model: coverage > 0 ? 1 : 0,
  };
};
const KNOWLEDGE_FLOOR = 0.5;

const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;

// One analyzer per language for the process: each keeps a memo of its stems, which a fresh one per answer would lose.
const analyzers = new Map<string, Analyzer>();
export const analyzerOf = (language: string): Analyzer => {
  const key = language || "en";
  let analyzer = analyzers.get(key);
  if (!analyzer) analyzers.set(key, (analyzer = analyzerFor(key)));
  return analyzer;
};
