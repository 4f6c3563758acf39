import { describe, expect, test } from "bun:test";
import { estimateTokens, splitSentences, splitToFit, splitWords, tailOf } from "./tokens";

describe("estimateTokens", () => {
  test("one per short word, more for long words, one per CJK character, half per punctuation", () => {
    expect(estimateTokens("the cat sat")).toBe(3);
    expect(estimateTokens("internationalization")).toBe(3);
    expect(estimateTokens("退货政策")).toBe(4);
    expect(estimateTokens("yes, no.")).toBe(3);
    expect(estimateTokens("")).toBe(0);
  });
});

describe("splitting", () => {
  test("sentences end at . ! ? before a capital or digit, and at CJK full stops", () => {
    expect(splitSentences("It works. Does it? Yes! 3 times. e.g. not here")).toEqual([
      "It works.",
      "Does it?",
      "Yes!",
      "3 times. e.g. not here",
    ]);
    expect(splitSentences("第一句。第二句。")).toEqual(["第一句。", "第二句。"]);
  });

  test("splitToFit keeps whole sentences while they fit and cuts an oversized one by words", () => {
    const long = Array.from({ length: 30 }, (_, i) => `Word${i}`).join(" ");
    const pieces = splitToFit(`Short one. ${long}. Tail here.`, 10);
    for (const p of pieces) expect(estimateTokens(p)).toBeLessThanOrEqual(10);
    expect(pieces[0]).toBe("Short one.");
    expect(pieces[pieces.length - 1]).toBe("Tail here.");
    expect(pieces.join(" ").replace(/\s+/g, " ")).toBe(`Short one. ${long}. Tail here.`);
  });

  test("splitWords never loses or reorders words", () => {
    const text = Array.from({ length: 101 }, (_, i) => `x${i}`).join(" ");
    const windows = splitWords(text, 7);
    expect(windows.join(" ")).toBe(text);
    expect(Math.max(...windows.map(estimateTokens))).toBeLessThanOrEqual(7);
  });

  test("a word longer than the budget is sliced, punctuation-heavy ones too", () => {
    for (const blob of ["x".repeat(500), "a/".repeat(200), "https://shop.test/" + "q=1&".repeat(80)]) {
      const windows = splitWords(blob, 16);
      expect(windows.join("")).toBe(blob);
      for (const w of windows) expect(estimateTokens(w)).toBeLessThanOrEqual(16);
    }
  });

  test("tailOf prefers whole trailing sentences, else trailing words", () => {
    expect(tailOf("One two three. Four five. Six seven.", 5)).toBe("Four five. Six seven.");
    expect(tailOf("a b c d e f g h", 3)).toBe("f g h");
    expect(tailOf("anything", 0)).toBe("");
  });
});
