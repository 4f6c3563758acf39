/**
 * Reading a query term the index has never seen: a typo one letter dropped, doubled or swapped away
 * from a known term ("commision" → "commission", "recieve" → "receive"), or a compound of two known
 * terms ("giftcards" → "gift", "card"; "Laugenbrezel" → "laugen", "brezel"). Customers type fast; a
 * question with one misspelt word should still find its passage. Deliberately narrow, because a wrong
 * reading retrieves the wrong passage: no letter substitutions ("cater" is not a typo of "water"),
 * terms of 6+ characters only, compound parts of 4+, and only for a term the index does not know, so
 * a correctly spelt query is never changed. Candidates are generated (≈ 30 per character) and looked
 * up, so the cost does not grow with the vocabulary.
 */
const ALPHABET = "abcdefghijklmnopqrstuvwxyzäöüß";
const MIN_CHARS = 6;
const MIN_PART = 4;

export type Vocabulary = { docFrequency(term: string): number };

/** The known terms `term` most likely stands for, or null when it is known, short, or nothing fits. */
export const readUnknownTerm = (term: string, vocabulary: Vocabulary): string[] | null => {
  if (term.length < MIN_CHARS || vocabulary.docFrequency(term) > 0 || !/^\p{L}+$/u.test(term)) return null;
  let best: string | null = null;
  let bestDf = 0;
  const consider = (candidate: string) => {
    const df = vocabulary.docFrequency(candidate);
    if (df > bestDf) [best, bestDf] = [candidate, df];
  };
  for (let i = 0; i <= term.length; i++) {
    const head = term.slice(0, i);
    const tail = term.slice(i);
    if (i < term.length) consider(head + tail.slice(1));
    if (i < term.length - 1) consider(head + tail[1] + tail[0] + tail.slice(2));
    for (const c of ALPHABET) consider(head + c + tail);
  }
  if (best !== null) return [best];
  for (let i = MIN_PART; i <= term.length - MIN_PART; i++) {
    const left = term.slice(0, i);
    const right = term.slice(i);
    if (vocabulary.docFrequency(left) > 0 && vocabulary.docFrequency(right) > 0) return [left, right];
  }
  return null;
};
