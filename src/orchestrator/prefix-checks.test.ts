import { expect, test } from "bun:test";
import { analyzerFor } from "../rag";
import { BUILT_IN_GUARDRAILS, type Guardrail } from "./guardrails";
import { prefixJudge, type PrefixScope } from "./prefix-checks";
import { brandProfile } from "./test-kit";
import type { Passage } from "./types";

const passage: Passage = {
  n: 1,
  chunk_id: "shipping.md#0",
  source: "shipping.md",
  title: "Shipping",
  heading: "Delivery times",
  score: 1,
  text: "Shipping to Austria and Switzerland takes 4 to 6 working days. Write to help@wool.example for anything else.",
};
const scope = (
  over: { policies?: unknown; guardrails?: readonly Guardrail[]; retrieval?: number } = {},
): PrefixScope => ({
  guardrails: over.guardrails ?? BUILT_IN_GUARDRAILS,
  common: {
    question: "How long does shipping to Austria take?",
    history: [],
    brand: brandProfile({ tenant_id: "t", brand_id: "b" }, over.policies),
    mode: "llm",
    now: new Date(),
  },
  passages: [passage],
  retrieval: over.retrieval ?? 0.9,
  analyzer: analyzerFor("en"),
  defaults: { low_confidence: { default_min: 0.45 } },
});
const GOOD = "Shipping to Austria takes 4 to 6 working days.";

test("a grounded sentence free of personal data, blocked topics and promises may be shown", async () => {
  const judge = prefixJudge(scope());
  expect(await judge!("", GOOD)).toBeNull();
  // The brand's own published address is no leak.
  expect(await judge!(GOOD, " Write to help@wool.example for anything else.")).toBeNull();
});

test("each check that can judge partial text holds a piece back with its reason code", async () => {
  const judge = prefixJudge(scope({ policies: { guardrails: { blocked_topic: { topics: ["politics"] } } } }))!;
  expect(await judge(GOOD, " Call Anna on +49 170 9876543 for details.")).toBe("pii_in_answer");
  expect(await judge(GOOD, " Switzerland shipping is about politics too.")).toBe("blocked_topic");
  expect(await judge(GOOD, " We have issued a refund for your order.")).toBe("authorization_required");
  // Well grounded so far, but this sentence is not in the knowledge: held, however good the rest.
  expect(await judge(GOOD, " Our founder loves sailing boats near Lisbon harbour.")).toBe("unsupported_answer");
  // What the customer already saw counts too: personal data in it holds every later piece.
  expect(await judge("Mail anna.private@gmail.com today.", " Shipping takes 4 to 6 working days.")).toBe(
    "pii_in_answer",
  );
});

test("weak retrieval: nothing is shown when the finished answer could not reach the confidence threshold", async () => {
  const judge = prefixJudge(scope({ retrieval: 0, policies: { min_confidence: 0.9 } }))!;
  expect(await judge("", GOOD)).toBe("low_confidence");
});

test("a brand with an enabled output guardrail that cannot judge partial text gets no live text", () => {
  const custom: Guardrail = {
    code: "tone_check",
    description: "tone",
    stages: ["output"],
    evaluate: () => ({ passed: true }),
  };
  expect(prefixJudge(scope({ guardrails: [...BUILT_IN_GUARDRAILS, custom] }))).toBeNull();
  // Switched off for this brand: it no longer stands in the way.
  expect(
    prefixJudge(
      scope({
        guardrails: [...BUILT_IN_GUARDRAILS, custom],
        policies: { guardrails: { tone_check: { enabled: false } } },
      }),
    ),
  ).not.toBeNull();
  expect(prefixJudge(scope({ guardrails: [...BUILT_IN_GUARDRAILS, { ...custom, streamable: true }] }))).not.toBeNull();
});
