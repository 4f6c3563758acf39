import { stemmer } from "stemmer";
import { ENGLISH_STOP_WORDS } from "./stop-words";
import { tokenize } from "./tokenize";

/**
 * An analyzer turns text into index terms. The same analyzer must be used for a brand's documents
 * and its queries, or terms will not meet: backends key their index by the analyzer's `id`, and a
 * change of `id` means the index has to be rebuilt.
 *
 * Contract: `analyze` is pure, synchronous and never throws; it may return [] (e.g. only stop words).
 */
export type Analyzer = {
  /** Stable identifier of the pipeline, e.g. `en-porter-v1` or `generic-v1`. */
  readonly id: string;
  /** BCP 47 primary language this analyzer was built for (`und` when none). */
  readonly language: string;
  analyze(text: string): string[];
};

// Tokens longer than this are ids, hashes or base64 blobs: noise for lexical search.
const MAX_TOKEN_CHARS = 64;
const STEM_CACHE_LIMIT = 200_000;
const ASCII_WORD = /^[a-z][a-z0-9]*$/;

/**
 * English: tokenize, drop the possessive `'s`, drop stop words, Porter-stem ASCII words (the
 * `stemmer` package: Porter's original algorithm, as Lucene's PorterStemFilter). Non-ASCII words
 * in English text (names, loanwords) are kept whole rather than mangled by an English stemmer.
 */
export const createEnglishAnalyzer = (): Analyzer => {
  // Porter is the costly step and vocabularies are Zipfian: a bounded memo saves most of it.
  const stems = new Map<string, string>();
  const stem = (word: string): string => {
    const hit = stems.get(word);
    if (hit !== undefined) return hit;
    if (stems.size >= STEM_CACHE_LIMIT) stems.clear();
    const value = stemmer(word);
    stems.set(word, value);
    return value;
  };
  return {
    id: "en-porter-v1",
    language: "en",
    analyze(text) {
      const out: string[] = [];
      for (let token of tokenize(text)) {
        if (token.length > MAX_TOKEN_CHARS) continue;
        if (token.endsWith("'s") || token.endsWith("\u2019s")) token = token.slice(0, -2);
        if (token === "" || ENGLISH_STOP_WORDS.has(token)) continue;
        out.push(ASCII_WORD.test(token) ? stem(token) : token);
      }
      return out;
    },
  };
};

/**
 * Any language we have no stemmer for (German, Arabic, Chinese, ...): tokenization and
 * normalisation only. Without stemming recall on inflected forms is lower, but a wrong stemmer is
 * worse: it conflates unrelated words, and that cannot be fixed by the ranker.
 */
export const createGenericAnalyzer = (language = "und"): Analyzer => ({
  id: "generic-v1",
  language,
  analyze: (text) => tokenize(text).filter((t) => t.length <= MAX_TOKEN_CHARS),
});

/** The analyzer for a brand's language (BCP 47 tag such as `en`, `en-GB`, `de`, `ar`, `zh-Hans`). */
export const analyzerFor = (language: string): Analyzer => {
  const primary = language.toLowerCase().split(/[-_]/)[0] ?? "";
  return primary === "en" ? createEnglishAnalyzer() : createGenericAnalyzer(primary || "und");
};
