import type { Analyzer } from "../rag";
import type { Passage } from "./types";

const MAX_CHARS = 600;

const sentencesOf = (text: string): string[] =>
  text
    .split(/\n+/)
    // A sentence ends at . ! ? followed by a space and a capital or digit: "4.90 euros" and "e.g. this" stay whole.
    .flatMap((line) => line.split(/(?<=[.!?]["')\]]?)\s+(?=[\p{Lu}\p{N}"“(])/u))
    .map((s) => s.trim())
    .filter((s) => s !== "");

/**
 * The no-LLM answer: from the best passage, the run of up to three consecutive sentences that covers
 * most of the question's terms (questions inside the passage — FAQ headings — are skipped), capped
 * at 600 characters, then the attribution line. Returns null when no sentence shares a term with the
 * question: a passage that matched only on its title is not an answer.
 */
export const knowledgeAnswer = (analyzer: Analyzer, question: string, passage: Passage): string | null => {
  const wanted = new Set(analyzer.analyze(question));
  const sentences = sentencesOf(passage.text).filter((s) => !s.endsWith("?"));
  const hits = sentences.map((s) => analyzer.analyze(s).filter((t) => wanted.has(t)).length);
  let best = { start: -1, end: -1, score: 0 };
  for (let i = 0; i < sentences.length; i++) {
    let score = 0;
    for (let j = i; j < Math.min(sentences.length, i + 3); j++) {
      score += hits[j];
      const length = sentences.slice(i, j + 1).join(" ").length;
      // Prefer more coverage; at equal coverage the shorter run. Never start on a sentence that adds nothing.
      if (hits[i] > 0 && length <= MAX_CHARS && score > best.score) best = { start: i, end: j, score };
    }
  }
  if (best.start < 0) return null;
  // A following sentence often completes the thought ("Orders ship in 2 days. Express is next-day."): keep it if it fits.
  let end = best.end;
  while (end + 1 < sentences.length && end - best.start < 2 && sentences.slice(best.start, end + 2).join(" ").length <= MAX_CHARS / 2) end += 1;
  const body = sentences.slice(best.start, end + 1).join(" ");
  return `${body}\n\n(Source: ${attribution(passage)})`;
};

const attribution = (p: Passage): string => {
  const name = p.source.split("/").at(-1) ?? p.source;
  return p.title && p.title !== p.source && p.title !== name ? `${p.title}, ${name}` : name;
};
