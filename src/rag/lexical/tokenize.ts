/**
 * Unicode-aware word tokenization, an approximation of UAX #29 word boundaries (what Lucene's
 * StandardTokenizer implements) that is cheap enough for bulk indexing.
 *
 * - A word is a run of letters, marks, digits or `_`; `.` and apostrophes join two word runs
 *   (`e.g`, `don't`, `3.5`), `,` joins two digit runs (`2,000`). Hyphens, slashes and other
 *   punctuation split (`covid-19` → `covid`, `19`), as in UAX #29.
 * - Text is NFKC-normalised and lower-cased first, so full-width forms and ligatures match.
 * - Han, Hiragana and Katakana have no spaces between words, so a run of them becomes overlapping
 *   character bigrams (Lucene's CJKAnalyzer does the same); a lone ideograph stays a unigram.
 * - Arabic/Hebrew vowel marks (harakat, niqqud) and tatweel are dropped: they are optional in
 *   normal writing, so keeping them would split one word into several terms.
 */
const WORD = /[\p{L}\p{M}\p{N}_]+(?:(?:['\u2019.]|(?<=\p{N}),(?=\p{N}))[\p{L}\p{M}\p{N}_]+)*/gu;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/u;
const CJK_SPLIT = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+)/u;
const OPTIONAL_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u0591-\u05C7]/g;
const NEEDS_MARK_STRIP = /[\u0591-\u05C7\u0610-\u061A\u0640-\u065F\u0670\u06D6-\u06ED]/;

/** Lower-cased, normalised word tokens of `text`, in order. Never throws; empty input gives []. */
export const tokenize = (text: string): string[] => {
  let normal = text.normalize("NFKC").toLowerCase();
  if (NEEDS_MARK_STRIP.test(normal)) normal = normal.replace(OPTIONAL_MARKS, "");
  const out: string[] = [];
  for (const match of normal.matchAll(WORD)) {
    const word = match[0];
    if (CJK_RUN.test(word)) pushCjk(word, out);
    else out.push(word);
  }
  return out;
};

/** Splits a word that contains CJK characters into its non-CJK parts and CJK bigrams. */
const pushCjk = (word: string, out: string[]): void => {
  for (const part of word.split(CJK_SPLIT)) {
    if (part === "") continue;
    if (!CJK_RUN.test(part)) {
      out.push(part);
      continue;
    }
    const chars = Array.from(part);
    if (chars.length === 1) {
      out.push(chars[0]);
      continue;
    }
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  }
};
