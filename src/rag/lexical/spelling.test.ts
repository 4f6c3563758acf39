import { describe, expect, test } from "bun:test";
import { readUnknownTerm } from "./spelling";

const vocabulary = (terms: Record<string, number>) => ({ docFrequency: (t: string) => terms[t] ?? 0 });
const known = vocabulary({
  commiss: 4,
  receiv: 2,
  gift: 5,
  card: 7,
  water: 9,
  guess: 3,
  ship: 8,
  per: 6,
  laugen: 1,
  brezel: 2,
  delivery: 3,
  deliveri: 9,
});

describe("reading unknown query terms", () => {
  test("a dropped, doubled or swapped letter reads as the known term; the more frequent one wins", () => {
    expect(readUnknownTerm("commis", known)).toEqual(["commiss"]);
    expect(readUnknownTerm("reciev", known)).toEqual(["receiv"]);
    expect(readUnknownTerm("deliveryy", known)).toEqual(["delivery"]);
    expect(readUnknownTerm("commis", vocabulary({ commiss: 4, commies: 9 }))).toEqual(["commies"]);
  });

  test("a compound of two known terms reads as both", () => {
    expect(readUnknownTerm("giftcard", known)).toEqual(["gift", "card"]);
    expect(readUnknownTerm("laugenbrezel", known)).toEqual(["laugen", "brezel"]);
  });

  test("never: a known term, a short one, a substituted letter (another real word), parts under four letters, non-letters", () => {
    expect(readUnknownTerm("commiss", known)).toBeNull();
    expect(readUnknownTerm("cater", known)).toBeNull();
    expect(readUnknownTerm("guessy", vocabulary({ guests: 1 }))).toBeNull();
    expect(readUnknownTerm("shipper", known)).toBeNull();
    expect(readUnknownTerm("20931x", known)).toBeNull();
  });
});
