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
    expect(askedShapes("en", "What do you charge for home whitening?")).toEqual([PRICE]);
    expect(askedShapes("en", "Urgent apostille in 3 days — price?")).toEqual([PRICE]);
    expect(askedShapes("en", "what are the rotterdam office hours")).toEqual([CLOCK_TIME]);
    expect(askedShapes("de", "Eure Öffnungszeiten?")).toEqual([CLOCK_TIME]);
  });

  test("what a unit holds", () => {
    expect(heldShapes("en", "Verification takes 2-3 business days.")).toEqual([DURATION]);
    expect(heldShapes("en", "Express is next-day.")).toEqual([DURATION]);
    expect(heldShapes("en", "A single entry costs 12,000 RUB.")).toEqual([PRICE]);
    expect(heldShapes("de", "Sonntag 8 Uhr bis 12 Uhr")).toEqual([CLOCK_TIME]);
    expect(heldShapes("en", "Sellers need a verified business account.")).toEqual([]);
    expect(heldShapes("en", "Brush twice a day for two minutes.")).toEqual([DURATION]);
    expect(heldShapes("de", "Sie sind drei Jahre gültig.")).toEqual([DURATION]);
    expect(heldShapes("en", "Documentation fee ..... EUR 65 per shipment")).toEqual([PRICE]);
    expect(heldShapes("en", "Agency fee: 5% of the purchase amount.")).toEqual([PRICE]);
    expect(heldShapes("en", "Brush twice a day.")).toEqual([]);
    // Currencies written out in words are prices too.
    expect(
      ["19,000 rubles for 8 working days", "2 500 roubles", "30 dollars", "120 yuan a night"].map((u) =>
        heldShapes("en", u).includes(PRICE),
      ),
    ).toEqual([true, true, true, true]);
  });

  test("a question for a duration is answered by the sentence with one, not the one repeating its words", () => {
    const p: Passage = {
      n: 1,
      chunk_id: "a#0",
      source: "a.md",
      title: "Accounts",
      heading: "",
      score: 1,
      text: "Users choose buyer accounts or seller accounts, which require business verification. Verification is usually done within 2-3 business days.",
    };
    const answer = knowledgeAnswer(analyzerFor("en"), "How long does seller account verification take?", [p]);
    expect(answer?.text).toContain("2-3 business days");
  });

  test("a question for a kind of value gets no answer without one, however well the words match", () => {
    const p: Passage = {
      n: 1,
      chunk_id: "b#0",
      source: "faq.txt",
      title: "FAQ",
      heading: "",
      score: 1,
      text: "Do you have child seats?\nYes, child seats for children up to 22 kg.",
    };
    expect(knowledgeAnswer(analyzerFor("en"), "Do you have child seats?", [p])?.text).toContain("22 kg");
    expect(knowledgeAnswer(analyzerFor("en"), "How much is a child seat?", [p])).toBeNull();
    expect(knowledgeAnswer(analyzerFor("en"), "What time do I pick up the child seat?", [p])).toBeNull();
    const priced = { ...p, text: `${p.text} A child seat costs €5 per day.` };
    expect(knowledgeAnswer(analyzerFor("en"), "How much is a child seat?", [priced])?.text).toContain("€5 per day");
  });
});
