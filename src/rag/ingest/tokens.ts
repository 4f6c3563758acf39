/**
 * Token estimates and text splitting for the chunker. The budget is in LLM tokens, but the
 * embedding model's tokenizer is not known here (and differs per endpoint), so we estimate:
 * one token per short word, one more per 10 characters of a long word, one per CJK character
 * (BPE vocabularies rarely merge them), half a token per punctuation mark. This errs high for
 * English prose (~1.1–1.3× real counts), which keeps chunks safely under embedding input limits.
 */
const PIECES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{M}\p{N}_]+|[^\s\p{L}\p{M}\p{N}_]/gu;
const WORDISH = /^[\p{L}\p{M}\p{N}_]/u;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;

// Unrounded estimate; additive over whitespace-separated words, so windows can sum it.
const rawTokens = (text: string): number => {
  let total = 0;
  for (const [piece] of text.matchAll(PIECES)) {
    if (CJK.test(piece)) total += 1;
    else if (WORDISH.test(piece)) total += 1 + Math.floor(piece.length / 10);
    else total += 0.5;
  }
  return total;
};

export const estimateTokens = (text: string): number => Math.ceil(rawTokens(text));

/** Sentences of `text`: ends at . ! ? followed by space, or at CJK full stops. */
export const splitSentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?…])\s+(?=[\p{Lu}\p{N}"'“‘(\[¿¡])|(?<=[。！？])/u)
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** Words (whitespace-separated, CJK characters one by one) of `text`. */
const words = (text: string): string[] =>
  text.match(
    /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu,
  ) ?? [];

const joinWords = (ws: string[]): string =>
  ws
    .join(" ")
    .replace(
      /(?<=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]) (?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])/gu,
      "",
    );

// A "word" longer than the whole budget (a URL, a base64 blob) is cut into the longest slices that
// fit, found by binary search since the cost of a slice depends on its punctuation.
const sliceLongWord = (word: string, maxTokens: number): string[] => {
  if (rawTokens(word) <= maxTokens) return [word];
  const chars = Array.from(word);
  const out: string[] = [];
  for (let start = 0; start < chars.length;) {
    let lo = start + 1;
    let hi = Math.min(chars.length, start + maxTokens * 10);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rawTokens(chars.slice(start, mid).join("")) <= maxTokens) lo = mid;
      else hi = mid - 1;
    }
    out.push(chars.slice(start, lo).join(""));
    start = lo;
  }
  return out;
};

/** Cuts `text` into windows of at most `maxTokens`, by words (for a sentence too long alone). */
export const splitWords = (text: string, maxTokens: number): string[] => {
  const out: string[] = [];
  let current: string[] = [];
  let used = 0;
  for (const word of words(text).flatMap((w) => sliceLongWord(w, maxTokens))) {
    const cost = rawTokens(word);
    if (current.length > 0 && Math.ceil(used + cost) > maxTokens) {
      out.push(joinWords(current));
      current = [];
      used = 0;
    }
    current.push(word);
    used += cost;
  }
  if (current.length > 0) out.push(joinWords(current));
  return out;
};

/** Pieces of `text`, each within `maxTokens`: whole sentences where possible, else word windows. */
export const splitToFit = (text: string, maxTokens: number): string[] => {
  if (estimateTokens(text) <= maxTokens) return [text];
  const out: string[] = [];
  let current = "";
  for (const sentence of splitSentences(text)) {
    if (estimateTokens(sentence) > maxTokens) {
      if (current !== "") out.push(current);
      current = "";
      out.push(...splitWords(sentence, maxTokens));
      continue;
    }
    const joined = current === "" ? sentence : `${current} ${sentence}`;
    if (estimateTokens(joined) > maxTokens) {
      out.push(current);
      current = sentence;
    } else current = joined;
  }
  if (current !== "") out.push(current);
  return out;
};

/** The end of `text` worth at most `maxTokens`: trailing whole sentences, else trailing words. */
export const tailOf = (text: string, maxTokens: number): string => {
  if (maxTokens <= 0) return "";
  const sentences = splitSentences(text);
  let tail = "";
  for (let i = sentences.length - 1; i >= 0; i--) {
    const next = tail === "" ? sentences[i] : `${sentences[i]} ${tail}`;
    if (estimateTokens(next) > maxTokens) break;
    tail = next;
  }
  if (tail !== "") return tail;
  const ws = words(text);
  let start = ws.length;
  let used = 0;
  while (start > 0 && Math.ceil(used + rawTokens(ws[start - 1])) <= maxTokens) used += rawTokens(ws[--start]);
  return joinWords(ws.slice(start));
};
