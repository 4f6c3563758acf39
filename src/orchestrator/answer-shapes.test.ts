import { describe, expect, test } from "bun:test";
import { analyzerFor } from "../rag";
import { askedShapes, CLOCK_TIME, DURATION, heldShapes, PRICE } from "./answer-shapes";
import { knowledgeAnswer } from "./kb-answer";
import type { Passage } from "./types";

describe("answer shapes", () => {
  test("what a question asks for, in English and German", () => {
    expect(askedShapes("en", "How long does seller verification take?")).toEqual([DURATION]);
    expect(askedShapes("en", "How much is a tourist visa?")).toEqual([PRICE]);
    expect(askedShapes("en", "What time do you close on Sunday?")).toEqual([CLOCK_TIME]);
    expect(askedShapes("de", "Wie lange dauert der Versand?")).toEqual([DURATION]);
    expect(askedShapes("de-CH", "Was kostet eine Brezel?")).toEqual([PRICE]);
    expect(askedShapes("en", "Do you ship to Austria?")).toEqual([]);
  });

  test("what a unit holds", () => {
    expect(heldShapes("en", "Verification takes 2-3 business days.")).toEqual([DURATION]);
    expect(heldShapes("en", "Express is next-day.")).toEqual([DURATION]);
    expect(heldShapes("en", "A single entry costs 12,000 RUB.")).toEqual([PRICE]);
    expect(heldShapes("de", "Sonntag 8 Uhr bis 12 Uhr")).toEqual([CLOCK_TIME]);
    expect(heldShapes("en", "Sellers need a verified business account.")).toEqual([]);
  });

  test("a question for a duration is answered by the sentence with one, not the one repeating its words", () => {
    const p: Passage = {
      n: 1, chunk_id: "a#0", source: "a.md", title: "Accounts", heading: "", score: 1,
      text: "Users choose buyer accounts or seller accounts, which require business verification. Verification is usually done within 2-3 business days.",
    };
    const answer = knowledgeAnswer(analyzerFor("en"), "How long does seller account verification take?", [p]);
    expect(answer?.text).toContain("2-3 business days");
  });
});
