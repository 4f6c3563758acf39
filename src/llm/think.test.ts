import { describe, expect, test } from "bun:test";
import { stripThinking, ThinkFilter } from "./think";

describe("stripThinking", () => {
  test.each([
    ["<think>plan</think>\n\nAnswer.", "Answer."],
    ["  \n<think>a\nb</think>Answer.", "Answer."],
    ["<think>never closed", ""],
    ["Answer with <think> inside", "Answer with <think> inside"],
    ["Plain answer.", "Plain answer."],
  ])("%p → %p", (input, expected) => {
    expect(stripThinking(input)).toBe(expected);
  });
});

describe("ThinkFilter", () => {
  const run = (deltas: string[]) => {
    const f = new ThinkFilter();
    return deltas.map((d) => f.push(d)).join("") + f.flush();
  };

  test("agrees with stripThinking whatever the split into deltas", () => {
    const cases = [
      "<think>plan it</think>\n\nWe open at 9.",
      "We open at 9.",
      "<thinking is fun",
      "<th",
      " <think>x</think> y",
      "<think>no end",
    ];
    for (const text of cases) {
      for (let size = 1; size <= 4; size++) {
        const deltas = text.match(new RegExp(`[\\s\\S]{1,${size}}`, "g")) ?? [];
        expect({ text, size, out: run(deltas) }).toEqual({ text, size, out: stripThinking(text) });
      }
    }
  });

  test("passes an ordinary answer through as it arrives", () => {
    const f = new ThinkFilter();
    expect(f.push("Hello")).toBe("Hello");
    expect(f.push(" there")).toBe(" there");
  });
});
