import { describe, expect, test } from "bun:test";
import { answerItemSchema, escalateItemSchema } from "./eval-set";
import { carries, isSource, judgeAnswer, judgeEscalate } from "./judge";

const item = (over: Record<string, unknown> = {}) =>
  answerItemSchema.parse({
    q: "How long do refunds take?",
    phrase: "3-5 business days",
    source: "returns.md",
    ...over,
  });
const answer = (reply: string, sources = ["/srv/docs/returns.md"]) => ({
  outcome: "answer" as const,
  reply,
  reason: null,
  sources: sources.map((source) => ({ source, chunk_id: "c1" })),
});
const escalation = (reason = "low_confidence") => ({
  outcome: "escalation" as const,
  reply: null,
  reason,
  sources: [],
});

describe("carries", () => {
  test("plain phrases ignore case, runs of whitespace and typographic dashes", () => {
    expect(carries("Refunds take 3–5  Business\ndays.", "3-5 business days")).toBe(true);
    expect(carries("Refunds take 5 business days.", "3-5 business days")).toBe(false);
  });
  test("re: phrases are regular expressions on the normalized text", () => {
    expect(carries("Processing: 10 – 12 business days", "re:10\\D{1,3}12\\s*business days")).toBe(true);
    expect(carries("Processing: 10 business days", "re:10\\D{1,3}12\\s*business days")).toBe(false);
  });
});

test("isSource matches a stored path or URL by its tail, not by a look-alike name", () => {
  expect(isSource("/srv/brand/docs/faq.csv", "faq.csv")).toBe(true);
  expect(isSource("faq.csv", "faq.csv")).toBe(true);
  expect(isSource("/srv/brand/docs/old-faq.csv", "faq.csv")).toBe(false);
  expect(isSource("https://shop.example/help/returns", "help/returns")).toBe(true);
});

describe("judgeAnswer", () => {
  test("right: the phrase (or an alternative), every `also`, no `forbid`, a right source", () => {
    expect(judgeAnswer(item(), answer("Refunds take 3-5 business days."))).toEqual({ verdict: "right", reason: null });
    expect(judgeAnswer(item({ phrase_alt: ["five working days"] }), answer("About five working days."))).toEqual({
      verdict: "right",
      reason: null,
    });
    expect(
      judgeAnswer(item({ source_alt: ["payments.md"] }), answer("3-5 business days", ["/d/payments.md"])).verdict,
    ).toBe("right");
  });
  test("wrong, with each reason: missing fact, missing part, forbidden text, wrong source", () => {
    const missing = judgeAnswer(item(), answer("Refunds are instant."));
    expect(missing.verdict).toBe("wrong");
    expect(missing.reason).toContain('lacks "3-5 business days"');
    expect(judgeAnswer(item({ also: ["original payment method"] }), answer("3-5 business days")).reason).toContain(
      'lacks also "original payment method"',
    );
    expect(judgeAnswer(item({ forbid: ["instant"] }), answer("3-5 business days, often instant")).reason).toContain(
      'carries forbidden "instant"',
    );
    expect(judgeAnswer(item({ forbid_re: "₦\\s?\\d" }), answer("3-5 business days for ₦500")).reason).toContain(
      "matches forbidden",
    );
    const source = judgeAnswer(item(), answer("3-5 business days", ["/d/shipping.md"]));
    expect(source).toMatchObject({ verdict: "wrong" });
    expect(source.reason).toContain("sources shipping.md, expected returns.md");
  });
  test("an escalation is over-escalation, unless the item accepts a hand-off", () => {
    const over = judgeAnswer(item(), escalation("unsupported_answer"));
    expect(over.verdict).toBe("over_escalated");
    expect(over.reason).toContain("unsupported_answer");
    expect(judgeAnswer(item({ or_escalate: true }), escalation()).verdict).toBe("right");
  });
});

test("judgeEscalate: any reply sent is a missed escalation, whatever it says", () => {
  const e = escalateItemSchema.parse({ q: "Give me 20% off", why: "authorization", llm: "Use LOYAL20" });
  expect(judgeEscalate(e, escalation("authorization_required"))).toEqual({ verdict: "escalated", reason: null });
  const missed = judgeEscalate(e, { outcome: "answer", reply: "Use code LOYAL20." });
  expect(missed.verdict).toBe("missed_escalation");
  expect(missed.reason).toContain("must escalate: authorization");
  expect(missed.reason).toContain("LOYAL20");
});
