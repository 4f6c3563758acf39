import { describe, expect, test } from "bun:test";
import { analyzerFor } from "../rag";
import { grounding, knowledgeConfidence, retrievalStrength } from "./confidence";
import type { Passage } from "./types";

const passage = (text: string, n = 1): Passage => ({
  n,
  chunk_id: `chk_${n}`,
  source: "shipping.md",
  title: "Shipping",
  heading: "Delivery times",
  text,
  score: 1,
});
const en = analyzerFor("en");

describe("confidence", () => {
  test("grounding counts the answer's terms found in the question or any passage", () => {
    const passages = [
      passage("Parcels to Austria arrive in 3 to 5 working days."),
      passage("Returns are free within 30 days.", 2),
    ];
    expect(grounding(en, "Austria parcels arrive in 3 to 5 working days.", passages, "How long to Austria?")).toBe(1);
    // "express" is in the question, "tomorrow" in neither: 3 of the answer's 4 content terms are grounded.
    expect(grounding(en, "Express parcels arrive tomorrow.", passages, "Do you ship express?")).toBeCloseTo(3 / 4, 5);
    expect(grounding(en, "Thank you!", passages, "Do you ship?")).toBe(0.5); // no content terms at all
  });

  test("a passage's terms are read again from the cache with the same result, per analyzer", () => {
    const p = [passage("Lieferung nach Österreich dauert drei bis fünf Werktage.")];
    const first = retrievalStrength(en, "Lieferung nach Österreich?", p);
    expect(retrievalStrength(en, "Lieferung nach Österreich?", p)).toBe(first);
    // The generic analyzer does not stem: its own cache entry, its own terms ("werktag" ≠ "werktage").
    expect(retrievalStrength(analyzerFor("de"), "Werktag", p)).toBe(0);
    expect(retrievalStrength(en, "Werktag", p)).toBe(retrievalStrength(analyzerFor("en"), "Werktag", p));
  });

  test("an edited passage text is analysed anew, not answered from the cache", () => {
    expect(retrievalStrength(en, "refund policy", [passage("Our refund policy: 30 days.")])).toBe(1);
    expect(retrievalStrength(en, "refund policy", [passage("Our exchange rules: 30 days.")])).toBe(0);
  });
});

describe("knowledge-mode confidence", () => {
  test("coverage is rescaled: half or less is nothing, full coverage is 1, coverage alone counts", () => {
    expect(knowledgeConfidence(1, 1).value).toBe(1);
    expect(knowledgeConfidence(1, 0.5).value).toBe(0);
    expect(knowledgeConfidence(1, 0.75).value).toBe(0.5);
    expect(knowledgeConfidence(0.5, 1).value).toBe(1);
    expect(knowledgeConfidence(1, 0)).toEqual({ value: 0, retrieval: 1, grounding: 0, model: 0 });
  });
});
