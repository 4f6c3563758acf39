import { expect, test } from "bun:test";
import { analyzerFor } from "./analyzer";
import { equivalentsOf, withEquivalents } from "./equivalents";

const en = analyzerFor("en");

test("en: a listed word is read as its group's first word, a phrase where it stands; other words as themselves", () => {
  const read = withEquivalents(en);
  expect(read.id).toBe(`${en.id}+eq`);
  expect(read.analyze("When do I pay?")).toEqual([...en.analyze("When do I"), ...en.analyze("payment")]);
  expect(read.analyze("can i take back my passport")).toEqual(en.analyze("can i return my passport"));
  expect(read.analyze("How do I initiate it?")).toEqual(en.analyze("How do I begin it?"));
  expect(read.analyze("delivery times")).toEqual(en.analyze("delivery times"));
  const eq = equivalentsOf(en);
  expect(eq.canon(en.analyze("paid")[0])).toBe(en.analyze("payment")[0]);
  expect(eq.others(en.analyze("payment")[0])).toContain(en.analyze("pay")[0]);
  expect(eq.others(en.analyze("delivery")[0])).toEqual([]);
});

test("de lists each form (no stemmer); a language without a list reads every word as itself", () => {
  const de = analyzerFor("de");
  expect(withEquivalents(de).analyze("Wann bezahle ich?")).toEqual(de.analyze("Wann zahlung ich?"));
  const fr = analyzerFor("fr");
  expect(withEquivalents(fr)).toBe(fr);
  expect(equivalentsOf(fr).rewrite("payer")).toBe("payer");
});

test("a phrasal verb with up to two words between its parts is read as its word, the words kept", () => {
  const eq = equivalentsOf(en);
  expect(eq.rewrite("When do I have to bring the bike back?")).toBe("When do I have to return the bike?");
  expect(eq.rewrite("how long til my refund shows up after i send the item back")).toContain("return the item");
  expect(eq.rewrite("Can you give me a call back?")).toBe("Can you give me a call back?");
});
