import { cleanPrefix } from "./prompt";

/** Longest run of text without a sentence end that is still held back whole. */
export const MAX_PIECE = 240;

// A sentence ends at . ! ? … (or the CJK forms), with any closing quotes or brackets, once whitespace
// follows: "4.5 kg" or "example.com" never cut. A line break ends a piece too (lists, paragraphs).
const SENTENCE_END = /[.!?…。！？]["'”’)\]]*(?=\s)|(?=\n)/g;
// A forced cut of an over-long sentence falls only between two lowercase words: never inside a number,
// phone number, card number or IBAN (digits and capitals), so personal data is judged whole.
const SOFT_SPACE = /(?<=\p{Ll})\s+(?=\p{Ll})/gu;

/** End (exclusive, in `raw`) of the next piece starting at `from`, or null when it must wait for more text. */
const nextCut = (raw: string, from: number): number | null => {
  SENTENCE_END.lastIndex = from;
  for (let m = SENTENCE_END.exec(raw); m; m = SENTENCE_END.exec(raw)) {
    const end = m.index + m[0].length;
    if (raw.slice(from, end).trim() !== "") return end;
    if (m[0] === "") SENTENCE_END.lastIndex += 1;
  }
  if (raw.length - from <= MAX_PIECE) return null;
  let cut: number | null = null;
  SOFT_SPACE.lastIndex = from;
  for (let m = SOFT_SPACE.exec(raw); m && m.index <= from + MAX_PIECE; m = SOFT_SPACE.exec(raw)) cut = m.index;
  return cut !== null && cut > from ? cut : null;
};

/**
 * Turns the model's text, as it arrives, into the pieces a customer may be shown next: whole sentences
 * (or lines, or at most ~MAX_PIECE characters of an endless one), cleaned as the stored reply will be
 * (`cleanPrefix`: speaker label and citation markers gone). The last sentence is never a piece — it
 * cannot be told complete until the stream ends — so the stored reply always has a tail to add.
 * Pieces concatenate to a prefix of `parseReply(all text).text`. When cleaning would rewrite text
 * already handed out (a reply opening with a quote), it stops cutting for good.
 * Not safe for concurrent use; one per answer.
 */
export class PieceCutter {
  private raw = "";
  private taken = 0;
  private cleaned = "";
  private stopped = false;

  /** Adds model text and returns the pieces it completed, in order (often none). */
  push(delta: string): string[] {
    this.raw += delta;
    const pieces: string[] = [];
    for (let end = nextCut(this.raw, this.taken); end !== null && !this.stopped; end = nextCut(this.raw, this.taken)) {
      const cleaned = cleanPrefix(this.raw.slice(0, end));
      if (cleaned === null || !cleaned.startsWith(this.cleaned)) {
        this.stopped = true;
        break;
      }
      const piece = cleaned.slice(this.cleaned.length);
      this.taken = end;
      this.cleaned = cleaned;
      if (piece !== "") pieces.push(piece);
    }
    return pieces;
  }
}
