// Table-driven: the output evaluators that ground a draft in the turn's passages, and the language checks.
import { expect, test } from "bun:test";
import { brandProfile } from "../test-kit";
import type { Passage } from "../types";
import { languageMismatch } from "./language";
import { needsTranslation } from "./needs-translation";
import { noAnswer } from "./no-answer";
import type { Guardrail, GuardrailInput } from "./types";
import { unsupportedAnswer } from "./unsupported";

const brand = brandProfile({ tenant_id: "t", brand_id: "b" });
const passage = (text: string, n = 1): Passage => ({
  n,
  chunk_id: `c#${n}`,
  source: "faq.txt",
  title: "",
  heading: "",
  text,
  score: 1,
});
const FAQ = [
  passage(
    "Opening hours: Monday – Saturday 12:00 PM – 8:00 PM, Sunday 1:00 PM – 7:00 PM. We close at 8:00 PM (Mon–Sat). We deliver within Abuja only.",
  ),
  passage("Apostille: 19 000 rubles, 8 working days. Phone +7 (343) 271-90-09, WeChat dima_tri, help@visa.example.", 2),
];
const confident = { value: 0.9, retrieval: 0.9, grounding: 0.9, model: 1 };
const input = (over: Partial<GuardrailInput>): GuardrailInput => ({
  stage: "output",
  question: "",
  history: [],
  brand,
  passages: FAQ,
  draft: null,
  confidence: confident,
  mode: "llm",
  now: new Date(),
  options: {},
  ...over,
});
const verdict = async (g: Guardrail, over: Partial<GuardrailInput>) => (await g.evaluate(input(over))).passed;

// [question, draft, passes?]
const grounding: [string, string, boolean][] = [
  ["What time do you close?", "We close at 8 PM from Monday to Saturday and at 7 PM on Sunday.", true],
  ["What time do you close?", "We close at 20:00 on weekdays.", true],
  ["What time do you close?", "We close at 9 PM on Saturday.", false],
  ["How much is an apostille?", "An apostille costs 19,000 rubles and takes 8 working days.", true],
  ["How much is an apostille?", "An apostille costs 25,000 rubles.", false],
  ["How much is an apostille?", "An apostille takes 8 weeks.", false],
  ["How can I reach you?", "Call +7 (343) 271-90-09 or write to help@visa.example; WeChat: dima_tri.", true],
  ["How can I reach you?", "Call +7 (343) 555-12-34.", false],
  ["How can I reach you?", "Write to support@visa.example.", false],
  ["Any discount?", "Use code LOYAL20 for 20% off.", false],
  ["Do you deliver to Ikeja?", "Sorry, we deliver within Abuja only, so we can't deliver to Ikeja.", true],
  ["Do you deliver to Ikeja?", "Yes, we deliver to Ikeja every day.", false],
  ["Do you have parking?", "Yes, there is free parking in front.", false],
  ["Is the application 20931 ready?", "Your application 20931 is in progress.", false],
];

test("unsupported_answer: every fact and every asked-about topic of a draft must be in the passages", async () => {
  for (const [question, draft, ok] of grounding)
    expect({ draft, passed: await verdict(unsupportedAnswer, { question, draft }) }).toEqual({ draft, passed: ok });
});

test("unsupported_answer: a question naming what no passage knows fails even for a passage excerpt; options switch checks off", async () => {
  expect(
    await verdict(unsupportedAnswer, {
      question: "How do I return something I bought on Amazon?",
      draft: "We deliver within Abuja only.",
      mode: "knowledge",
    }),
  ).toBe(false);
  // An excerpt must carry what the question names, though its passage mentions it elsewhere.
  const containers = [
    passage("20-foot container: volume of 28m2. 40-foot container: volume of 62m2. We deliver to Lagos only by sea."),
  ];
  const kb = { mode: "knowledge" as const, passages: containers };
  expect(
    await verdict(unsupportedAnswer, {
      ...kb,
      question: "Tell me about the 40-foot container.",
      draft: "20-foot container: volume of 28m2.",
    }),
  ).toBe(false);
  expect(
    await verdict(unsupportedAnswer, {
      ...kb,
      question: "Tell me about the 40-foot container.",
      draft: "40-foot container: volume of 62m2.",
    }),
  ).toBe(true);
  expect(
    await verdict(unsupportedAnswer, {
      ...kb,
      question: "Do you deliver to Lagos?",
      draft: "20-foot container: volume of 28m2.",
    }),
  ).toBe(false);
  expect(
    await verdict(unsupportedAnswer, {
      ...kb,
      mode: "llm",
      question: "Do you deliver to Lagos?",
      draft: "We deliver to Lagos only by sea.",
    }),
  ).toBe(true);
  // An excerpt limiting what was asked about to a named scope answers for a place outside it; an unrelated "only" does not.
  const abuja = {
    mode: "knowledge" as const,
    passages: [passage("Delivery: we currently deliver within Abuja only. Payment only by bank transfer.")],
  };
  expect(
    await verdict(unsupportedAnswer, {
      ...abuja,
      question: "Do you deliver to Lagos?",
      draft: "Sorry, we currently deliver within Abuja only.",
    }),
  ).toBe(true);
  expect(
    await verdict(unsupportedAnswer, {
      ...abuja,
      question: "Do you deliver to Lagos?",
      draft: "Payment only by bank transfer.",
    }),
  ).toBe(false);
  expect(
    await verdict(unsupportedAnswer, {
      ...abuja,
      question: "Do you deliver to Lagos with code LAG7?",
      draft: "Sorry, we currently deliver within Abuja only.",
    }),
  ).toBe(false);
  expect(
    await verdict(unsupportedAnswer, {
      question: "Any discount?",
      draft: "Use code LOYAL20.",
      options: { check_facts: false },
    }),
  ).toBe(true);
  expect(
    await verdict(unsupportedAnswer, {
      question: "Do you have parking?",
      draft: "Yes, there is parking.",
      options: { check_topics: false },
    }),
  ).toBe(true);
  expect(await verdict(unsupportedAnswer, { question: "q", draft: "Yes.", passages: [] })).toBe(false);
  expect(
    await verdict(unsupportedAnswer, { question: "q", draft: "Yes.", confidence: { ...confident, grounding: 0.3 } }),
  ).toBe(false);
});

test("no_answer: a draft that does not answer fails; an answer passes", async () => {
  expect(await verdict(noAnswer, { draft: "I'm sorry, I don't know. A colleague will follow up." })).toBe(false);
  expect(await verdict(noAnswer, { draft: "We close at 8 PM." })).toBe(true);
});

test("language_mismatch: the persona's language and the declared ones pass; others fail; unclear text passes", async () => {
  const german = "Wie lange dauert der Versand und was kostet das?";
  expect(await verdict(languageMismatch, { stage: "input", question: german })).toBe(false);
  expect(
    await verdict(languageMismatch, {
      stage: "input",
      question: german,
      brand: brandProfile({ tenant_id: "t", brand_id: "b" }, { languages: ["de"] }),
    }),
  ).toBe(true);
  expect(await verdict(languageMismatch, { stage: "input", question: german, options: { accept: ["de"] } })).toBe(true);
  expect(await verdict(languageMismatch, { stage: "input", question: "Merino?" })).toBe(true);
});

test("needs_translation: without an LLM, a passage in another language than the customer's hands over", async () => {
  const draft = "Orders within Germany arrive in 2 to 3 working days and you can return them within 30 days.";
  expect(
    await verdict(needsTranslation, {
      mode: "knowledge",
      question: "Wie lange dauert der Versand und was kostet das?",
      draft,
    }),
  ).toBe(false);
  expect(
    await verdict(needsTranslation, {
      mode: "knowledge",
      question: "How long does the delivery take and what does it cost?",
      draft,
    }),
  ).toBe(true);
  expect(
    await verdict(needsTranslation, {
      mode: "llm",
      question: "Wie lange dauert der Versand und was kostet das?",
      draft,
    }),
  ).toBe(true);
});
