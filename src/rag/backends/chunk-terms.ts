import { indexText, type Chunk } from "../ingest/chunker";
import type { Analyzer } from "../lexical/analyzer";

/**
 * Field weights for lexical indexing (BM25F with integer weights, as term repetition): the words of
 * a chunk's title and headings, and of an FAQ pair's question, say what the chunk is ABOUT, while
 * its body may mention a word in passing. Each such term counts `FIELD_BOOST` times in all (once in
 * the index text, the rest added here). Every backend indexes these same terms (memory and Postgres
 * through BrandIndex, Qdrant in its sparse vectors), so they rank alike.
 */
export const FIELD_BOOST = 2;

const FILE_EXTENSION = /\.[a-z0-9]{1,5}$/i;

/** A title that is only the file name ("furniture-tour-FAQ.txt") reads as its words, without the extension. */
const titleWords = (chunk: Pick<Chunk, "title" | "source">): string => {
  const name = chunk.source.split("/").at(-1) ?? chunk.source;
  return chunk.title === name ? chunk.title.replace(FILE_EXTENSION, "") : chunk.title;
};

/** An FAQ pair's question: its first line (records.ts and the parsers write pairs that way). */
const questionOf = (chunk: Pick<Chunk, "kind" | "text">): string =>
  chunk.kind === "faq" ? (chunk.text.split("\n", 1)[0] ?? "") : "";

/** The terms a chunk is indexed with: its index text, plus the boosted fields once more per extra weight. */
export const chunkTerms = (
  analyzer: Analyzer,
  chunk: Pick<Chunk, "title" | "source" | "headingPath" | "kind" | "text">,
): string[] => {
  const terms = analyzer.analyze(indexText({ ...chunk, title: titleWords(chunk) }));
  const fields = [titleWords(chunk), ...chunk.headingPath, questionOf(chunk)].filter(
    (f, i, all) => f !== "" && all.indexOf(f) === i,
  );
  const boosted = analyzer.analyze(fields.join("\n"));
  for (let extra = 1; extra < FIELD_BOOST; extra++) terms.push(...boosted);
  return terms;
};
