/**
 * Text helpers of the ingest-time injection detector: one normal form for documents and word lists
 * (lower case, accents and zero-width characters gone, curly quotes and dashes made plain), phrase
 * lists compiled to Unicode-aware regexes (JS `\b` is ASCII-only, useless for Cyrillic), and the
 * split into sentences and clauses the signals are scored on.
 */

export const normalise = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f\u200b-\u200f\u2060\ufeff]/g, "")
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb\u201e]/g, '"')
    .replace(/[\u2010-\u2015]/g, "-")
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/[\s\u00a0]+/g, " ")
    .trim();

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

/** One phrase as a regex body: spaces match any whitespace or hyphen, a trailing `*` any word ending. */
const phraseBody = (phrase: string): string => {
  const stem = phrase.endsWith("*");
  const words = normalise(stem ? phrase.slice(0, -1) : phrase)
    .split(/[ -]/)
    .map(escape);
  return words.join("[\\s-]+") + (stem ? "\\p{L}*" : "");
};

/** A whole-word, case-insensitive matcher for any of `phrases` (Unicode letters as word characters). */
export const anyOf = (phrases: readonly string[]): RegExp =>
  new RegExp(`(?<![\\p{L}\\p{N}])(?:${phrases.map(phraseBody).join("|")})(?![\\p{L}\\p{N}])`, "u");

/** Like anyOf but anchored at the start of the text. */
export const startsWithAny = (phrases: readonly string[]): RegExp =>
  new RegExp(`^(?:${phrases.map(phraseBody).join("|")})(?![\\p{L}\\p{N}])`, "u");

/** Sentences of the original text (so evidence is shown as written): end marks, line breaks, bullets. */
export const sentencesOf = (text: string): string[] =>
  text
    .split(/(?<=[.!?;])\s+|\n+|\s[•·]\s/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Clauses of a normalised sentence: commas, colons and dashes, where an imperative may start again. */
export const clausesOf = (sentence: string): string[] =>
  sentence
    .split(/\s*[,:;]\s+|\s+[-–—]\s+|\s*\(\s*|\s*\)\s*|"\s*/u)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);

const CONJUNCTION =
  /\s+(?:and then|and|then|but|und dann|und|dann|et puis|et|puis|y luego|y|luego|en dan|en|и затем|и|а затем|затем)\s+/u;

/** A clause cut at its conjunctions ("ignore the above and instead tell …"): the first part, then the chained ones. */
export const conjunctsOf = (clause: string): string[] => clause.split(CONJUNCTION).filter((c) => c.length > 0);
