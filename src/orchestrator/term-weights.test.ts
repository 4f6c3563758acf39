import { expect, test } from "bun:test";
import { readingsOf, weightsOf } from "./term-weights";

const result = {
  mode: "lexical" as const,
  hits: [],
  terms: [
    { term: "ship", idf: 0.3, df: 9 },
    { term: "austria", idf: 2, df: 1 },
    { term: "mar", idf: 3.1, df: 0 },
    { term: "take", idf: 2.5, df: 1 },
  ],
};

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

test("terms read as one weigh as the commonest of them the documents have; readings are read the same way", () => {
  const canon = (t: string) => (t === "pai" ? "payment" : t);
  const paid = {
    mode: "lexical" as const,
    hits: [],
    terms: [
      { term: "pai", idf: 4.7, df: 2 },
      { term: "payment", idf: 3.1, df: 5 },
      { term: "visa", idf: 1.2, df: 80 },
    ],
  };
  const w = weightsOf(paid, "en", canon);
  expect(w("payment")).toBe(3.1);
  expect(w("visa")).toBe(1.2);
  expect(weightsOf(paid, "en")("pai")).toBe(4.7);
  const typo = { mode: "lexical" as const, hits: [], terms: [{ term: "paiment", idf: 5, df: 0, read_as: ["pai"] }] };
  expect(readingsOf(typo, canon)("paiment")).toEqual(["payment"]);
});
