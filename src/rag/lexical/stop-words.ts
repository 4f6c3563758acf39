/**
 * English stop words: Lucene's classic English stop set (the one EnglishAnalyzer uses). It is
 * deliberately small: BM25's IDF already discounts frequent words, and a long list (one that drops
 * "after", "before", "off", "down") removes words that matter in a support question ("cancel after
 * shipping", "turned off").
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "but",
  "by",
  "for",
  "if",
  "in",
  "into",
  "is",
  "it",
  "no",
  "not",
  "of",
  "on",
  "or",
  "such",
  "that",
  "the",
  "their",
  "then",
  "there",
  "these",
  "they",
  "this",
  "to",
  "was",
  "will",
  "with",
]);
