import { expect, test } from "bun:test";
import { analyzerFor } from "../rag";
import { CLOCK_TIME, DURATION, PRICE } from "./answer-shapes";
import { addressesBusiness, asksForList, questionParts, statedOnly } from "./question-parts";

const en = analyzerFor("en");
const parts = (q: string, analyzer = en) => questionParts(analyzer, q).map((p) => [...p]);

test("a second question starts after '?' or at 'and' + a question word; filler words are not part of any", () => {
  expect(parts("What is the return policy and how do I track orders?")).toEqual([
    ["return", "polici"],
    ["track", "order"],
  ]);
  expect(parts("How can I contact you? What's your phone number?")).toEqual([["contact"], ["phone", "number"]]);
  expect(parts("Do you sell bread and cakes?")).toEqual([["sell", "bread", "cake"]]);
  // A lead clause about the customer is no part of its own: it is the context of the question after its comma.
  // "How long until…" asks a wait: "until" only frames it; "Until when…?" asks a time and keeps it.
  expect(parts("how long til my refund arrives?")).toEqual([["refund", "arriv", DURATION]]);
  expect(parts("Until when is my reservation held?")[0]).toContain("until");
  expect(parts("we are getting married in june, when must we order the cake?")).toEqual([
    ["marri", "june", "order", "cake"],
  ]);
});

test("a part of light frame words only joins the part before it; a question of filler only is one part", () => {
  // …and the kinds of value asked for: a price, then a duration (answer-shapes.ts).
  expect(parts("How much does an apostille cost and how long does it take?")).toEqual([
    ["apostil", "cost", PRICE, "take", DURATION],
  ]);
  expect(parts("Hi! Who are you?")).toEqual([["hi", "who", "you"]]);
});

test("German", () => {
  expect(parts("Was kostet ein Brot und wann öffnet ihr?", analyzerFor("de"))).toEqual([
    ["kostet", "brot", PRICE],
    ["öffnet", CLOCK_TIME],
  ]);
});

test("statedOnly: the words a message says only as context before its question", () => {
  const en = analyzerFor("en");
  expect([...statedOnly(en, "I live in another city. How can I send my passport to you?")].sort()).toEqual([
    "anoth",
    "citi",
    "live",
  ]);
  expect(
    [...statedOnly(analyzerFor("de"), "Wir heiraten im Juni. Wann müssen wir die Hochzeitstorte bestellen?")].sort(),
  ).toEqual(["heiraten", "juni"]);
  // A word the question repeats is asked, not context; a question without content words leaves the statement as what is asked.
  expect([...statedOnly(en, "My bike has a flat tire. Do you fix a flat tire?")].sort()).toEqual(["bike"]);
  expect(statedOnly(en, "The book I got has a torn cover. What now?").size).toBe(0);
  expect(statedOnly(en, "How do I return a book?").size).toBe(0);
  expect(statedOnly(en, "Please cancel my order.").size).toBe(0);
});

test("statedOnly: a question sentence's own leading statement up to its comma is context; a condition, a question or a named subject before the comma is asked", () => {
  expect(
    [...statedOnly(en, "my trip got cancelled, can i take back my passport before the visa is ready?")].sort(),
  ).toEqual(["cancel", "trip"]);
  expect(
    [...statedOnly(analyzerFor("de"), "Wir heiraten im Juni, wann müssen wir die Torte bestellen?")].sort(),
  ).toEqual(["heiraten", "juni"]);
  expect(statedOnly(en, "If I cancel my trip, can I get a refund?").size).toBe(0);
  expect(statedOnly(en, "How long does it take, and what does it cost?").size).toBe(0);
  // A lead clause that does not speak of the customer names what is asked about.
  expect(statedOnly(en, "Bikes, scooters or cars, which do you rent?").size).toBe(0);
  expect(statedOnly(en, "Apart from bikes, scooters and cars?").size).toBe(0);
});

test("a list question: what/which before a plural noun and its verb (en, de); one fact asked is none", () => {
  expect(asksForList("en", "What inventory tools do sellers have?")).toBe(true);
  expect(asksForList("en", "Which payment methods are accepted?")).toBe(true);
  expect(asksForList("de", "Welche Brote gibt es am Sonntag?")).toBe(true);
  expect(asksForList("en", "What is the price of a tool?")).toBe(false);
  expect(asksForList("en", "What does express shipping cost?")).toBe(false);
  expect(asksForList("en", "What address do I send it to?")).toBe(false);
  expect(asksForList("fr", "Quels outils avez-vous ?")).toBe(false);
});

test("a message addressing the business: your/you (en), Ihr/euer/Sie (de); about a third party it is not", () => {
  expect(addressesBusiness("en", "What are your opening hours?")).toBe(true);
  expect(addressesBusiness("en", "How can I contact you?")).toBe(true);
  expect(addressesBusiness("de", "Wann habt ihr geöffnet?")).toBe(true);
  expect(addressesBusiness("en", "When is the consulate open?")).toBe(false);
  expect(addressesBusiness("en", "Is the young rider allowed?")).toBe(false);
  expect(addressesBusiness("fr", "Quels sont vos horaires ?")).toBe(false);
});
