import { describe, expect, test } from "bun:test";
import { firstBurst, latestQuestion, MIN_BURST_GAP_MS, type PendingMessage } from "./turn";

const msg = (id: string, sentAt: number, text: string | null = id): PendingMessage => ({
  id,
  kind: "text",
  text,
  sentAt,
});
const q = (...texts: string[]) => latestQuestion(texts.map((text, i) => ({ id: `m${i}`, text })));

describe("firstBurst", () => {
  test("messages closer than the gap are one turn; the first longer pause ends it", () => {
    const { turn, rest } = firstBurst(
      [msg("a", 0), msg("b", 1_500), msg("c", 3_000), msg("d", 20_000), msg("e", 20_500)],
      2_000,
    );
    expect(turn.map((m) => m.id)).toEqual(["a", "b", "c"]);
    expect(rest.map((m) => m.id)).toEqual(["d", "e"]);
  });

  test("a quiet window of 0 still keeps messages stamped within a provider's second resolution together", () => {
    expect(firstBurst([msg("a", 0), msg("b", MIN_BURST_GAP_MS)], 0).turn.map((m) => m.id)).toEqual(["a", "b"]);
    expect(firstBurst([msg("a", 0), msg("b", MIN_BURST_GAP_MS + 1)], 0).turn.map((m) => m.id)).toEqual(["a"]);
  });

  test("nothing pending: an empty turn", () => {
    expect(firstBurst([], 2_000)).toEqual({ turn: [], rest: [] });
  });
});

describe("latestQuestion", () => {
  test("greetings and lead-ins before the question are context, not the query", () => {
    expect(q("Hi,", "quick question:", "how long does shipping to Austria take?")).toEqual({
      question: "how long does shipping to Austria take?",
      context: [
        { id: "m0", text: "Hi," },
        { id: "m1", text: "quick question:" },
      ],
    });
  });

  test("a fragment after a question is asked with it", () => {
    expect(q("How long does shipping to Austria take?", "And to Switzerland?").question).toBe(
      "How long does shipping to Austria take?\nAnd to Switzerland?",
    );
  });

  test("two full questions: the latest is asked, the earlier is context", () => {
    const r = q("What are your opening hours on Sunday?", "Do you ship to Austria at all?");
    expect(r.question).toBe("Do you ship to Austria at all?");
    expect(r.context.map((m) => m.text)).toEqual(["What are your opening hours on Sunday?"]);
  });

  test("only fragments: all of them are the question", () => {
    expect(q("hi", "hello?")).toEqual({ question: "hi\nhello?", context: [] });
    expect(q()).toEqual({ question: "", context: [] });
  });
});
