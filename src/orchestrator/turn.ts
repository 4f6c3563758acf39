// What one turn answers, from the conversation's pending messages (DESIGN §10: each is named by exactly
// one turn). Pure: the respond context reads the rows, this decides.

/** A customer message awaiting a turn, as the respond context read it. */
export type PendingMessage = {
  id: string;
  kind: string;
  /** What the customer wrote (text, caption, button title…); null when the message has no words. */
  text: string | null;
  /** When the customer sent it (provider time, else arrival), ms since the epoch. */
  sentAt: number;
};

/**
 * Messages sent closer together than this are one burst even with a quiet window of 0: providers stamp
 * messages to the second, so two messages typed in one breath can lie a second apart.
 */
export const MIN_BURST_GAP_MS = 2_000;

/**
 * The first burst of the pending messages (oldest first): up to the first pause longer than `gapMs`
 * between two messages, as the customer sent them. A backlog (the job ran late, more piled up) thus
 * changes nothing: what the customer sent apart is answered apart, in order — the rest is left pending
 * for the next turn.
 */
export const firstBurst = (
  pending: PendingMessage[],
  gapMs: number,
): { turn: PendingMessage[]; rest: PendingMessage[] } => {
  const gap = Math.max(gapMs, MIN_BURST_GAP_MS);
  let end = 1;
  while (end < pending.length && pending[end].sentAt - pending[end - 1].sentAt <= gap) end++;
  return { turn: pending.slice(0, end), rest: pending.slice(end) };
};

/** Fewer words than this (and short): a fragment — a greeting, "quick question:", "and to Switzerland?". */
const MIN_QUESTION_WORDS = 4;
const MAX_FRAGMENT_CHARS = 25;

const isFragment = (text: string): boolean => {
  const t = text.trim();
  return t.split(/\s+/u).length < MIN_QUESTION_WORDS && t.length < MAX_FRAGMENT_CHARS;
};

/**
 * The question a burst asks: its latest message that forms a question on its own, with the fragments
 * that follow it ("and to Switzerland?", "please"), which only make sense together with it. What came
 * before ("Hi,", "quick question:", an earlier question) is context: the caller puts it in the history.
 * Never one concatenated query of everything: retrieval then looks for the latest question.
 */
export const latestQuestion = (
  texts: { id: string; text: string }[],
): { question: string; context: { id: string; text: string }[] } => {
  if (texts.length === 0) return { question: "", context: [] };
  let start = texts.length - 1;
  while (start > 0 && isFragment(texts[start].text)) start--;
  return {
    question: texts
      .slice(start)
      .map((m) => m.text)
      .join("\n"),
    context: texts.slice(0, start),
  };
};
