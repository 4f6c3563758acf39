import { expect, test } from "bun:test";
import { weightsOf } from "./term-weights";

const result = { mode: "lexical" as const, hits: [], terms: [{ term: "ship", idf: 0.3, df: 9 }, { term: "austria", idf: 2, df: 1 }, { term: "mar", idf: 3.1, df: 0 }, { term: "take", idf: 2.5, df: 1 }] };

test("IDF from the search; an unknown word weighs as the rarest known one; light frame words a quarter", () => {
  const w = weightsOf(result, "en");
  expect(w("ship")).toBe(0.3);
  expect(w("austria")).toBe(2);
  expect(w("mar")).toBe(2.5);
  expect(w("take")).toBe(2.5 * 0.25);
});

test("a backend without term weights (Qdrant): every word 1, light words still a quarter", () => {
  const w = weightsOf({ mode: "lexical", hits: [] }, "en");
  expect(w("ship")).toBe(1);
  expect(w("work")).toBe(0.25);
  expect(weightsOf({ mode: "lexical", hits: [] }, "de")("dauert")).toBe(0.25);
});
