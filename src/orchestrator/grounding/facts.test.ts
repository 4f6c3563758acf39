import { expect, test } from "bun:test";
import { FactIndex, factsOf, numberValues } from "./facts";

const kinds = (text: string) => factsOf(text).map((f) => `${f.kind}:${f.values.join("|")}`);

test("facts are found by kind: links, e-mails, phones, quantities, numbers, money, codes, names", () => {
  expect(kinds("Write to help@shop.example or see https://shop.example/help.")).toEqual([
    "email:help@shop.example",
    "url:shop.example/help",
  ]);
  expect(kinds("Call +7 (343) 271-90-09")).toEqual(["phone:73432719009"]);
  expect(kinds("Use code LOYAL20 for 20% off")).toEqual(["code:loyal20", "quantity:20 %", "number:20"]);
  expect(kinds("About ₦1,500,000.")).toEqual(["number:1500000", "currency:ngn"]);
  expect(kinds("Refunds take 3-5 business days")).toEqual(["quantity:3 day|5 day", "number:3", "number:5"]);
  expect(kinds("WeChat: dima_tri")).toEqual(["code:dima_tri"]);
  expect(kinds("We deliver within Abuja, including Gwarinpa.")).toEqual(["name:abuja", "name:gwarinpa"]);
  expect(kinds("up to thirty days")).toEqual(["number:30", "quantity:30 day"]);
});

test("what is not a fact: sentence-initial capitals, I, AM/PM, a bare file name, digits of a date that are numbers", () => {
  expect(kinds("Yes. We are open. I think so.")).toEqual([]);
  expect(kinds("Opens at 9 AM")).toEqual(["number:9"]);
  expect(kinds("see faq.csv")).toEqual([]);
  expect(kinds("on 2026-03-05")).toEqual(["number:2026", "number:3", "number:5"]);
});

test("numbers are normalised: separators, decimal marks, clock times with PM, leading zeros", () => {
  expect(numberValues("12,000")).toEqual(["12000"]);
  expect(numberValues("12 000")).toEqual(["12000"]);
  expect(numberValues("9:30")).toEqual(["9.30"]);
  expect(numberValues("9.30")).toEqual(["9.30"]);
  expect(numberValues("8:00", " PM")).toEqual(["8", "20"]);
  expect(numberValues("20:00")).toEqual(["20", "8"]);
  expect(numberValues("09")).toEqual(["9"]);
  expect(numberValues("2.0")).toEqual(["2"]);
});

// [passage, answer fact text, found?]
const lookups: [string, string, boolean][] = [
  ["Open 12:00 PM – 8:00 PM", "We close at 20:00", true],
  ["Open until 20:00", "We close at 8 pm", true],
  ["Appointments from 9.30", "from 9:30", true],
  ["Price: 19 000 rub", "19,000 rubles", true],
  ["Shipping is free over 50 euros", "free over €50", true],
  ["Returns within thirty days", "within 30 days", true],
  ["Refunds in 3-5 business days", "3 to 5 business days", true],
  ["Document 14: Privacy", "within 14 days", false],
  ["Basic plan costs $29", "costs $39", false],
  ["Base price 10,000 RUB", "about 1,500,000 RUB", false],
  ["Phone +7 (343) 271-90-09", "call 8 343 271 90 09", false],
  ["Phone +7 (343) 271-90-09", "call (343) 271-90-09", true],
  ["See https://shop.example/help/returns", "see shop.example", true],
  ["See https://shop.example/help", "see shop.example/discounts", false],
  ["Codes: WELCOME10", "use LOYAL20", false],
  ["We take Visa and PayPal", "we take PayPal", true],
  ["Free shipping on 20% of orders", "20 % off", true],
  ['{"bike": "E-bike", "three_days": "€85"}', "€85 for three days", true],
  ["We close at 8:00 PM (Mon–Sat) and 7:00 PM (Sun).", "We close at 8 PM Monday to Saturday and 7 PM on Sunday", true],
  ["Open Mon–Fri 9:00–17:00", "We are open on Saturday", false],
  ["Closed 24 Dec to 2 Jan", "closed from 24 December to 2 January", true],
];

test("an answer's facts are looked up in the passages' normalised forms", () => {
  for (const [passage, answer, found] of lookups) {
    const index = new FactIndex([passage]);
    const facts = factsOf(answer).filter((f) => f.kind !== "name" || /[A-Z]/.test(f.raw));
    expect({ passage, answer, found: facts.every((f) => index.has(f)) }).toEqual({ passage, answer, found });
  }
});
