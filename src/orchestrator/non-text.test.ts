import { describe, expect, test } from "bun:test";
import type { RespondContext } from "./context";
import { holdingTextOf, nonTextOf, nonTextOutcome, UNSUPPORTED_CONTENT } from "./non-text";
import { parsePolicies } from "./policies";

const contextWith = (policies: unknown): RespondContext =>
  ({
    brand: { policies: parsePolicies(policies), persona: { language: "en" } },
    turn: [
      { id: "m1", kind: "media", text: null, sentAt: 0 },
      { id: "m2", kind: "text", text: "hi", sentAt: 1 },
    ],
  }) as unknown as RespondContext;

describe("non_text policy", () => {
  test("default: an unsupported_content escalation with the brand's holding message", () => {
    const c = contextWith({ holding_message: "A colleague will reply shortly." });
    const o = nonTextOutcome(c);
    expect(o).toMatchObject({ outcome: "escalation", reply: null, reason: UNSUPPORTED_CONTENT });
    expect(holdingTextOf(c, o)).toBe("A colleague will reply shortly.");
  });

  test("a reply with escalate: it is the holding message of that escalation only", () => {
    const c = contextWith({
      holding_message: "A colleague will reply shortly.",
      non_text: { reply: "Thanks for the photo! A colleague will look at it." },
    });
    const o = nonTextOutcome(c);
    expect(o.outcome).toBe("escalation");
    expect(holdingTextOf(c, o)).toBe("Thanks for the photo! A colleague will look at it.");
    expect(holdingTextOf(c, { ...o, reason: "low_confidence" })).toBe("A colleague will reply shortly.");
  });

  test("escalate: false with a reply answers with it; without a reply it still escalates (never nothing)", () => {
    expect(
      nonTextOutcome(contextWith({ non_text: { reply: "Please write your question in words.", escalate: false } })),
    ).toMatchObject({ outcome: "answer", reply: "Please write your question in words." });
    expect(nonTextOutcome(contextWith({ non_text: { escalate: false } })).outcome).toBe("escalation");
    expect(nonTextOutcome(contextWith({ non_text: { reply: "  ", escalate: false } })).outcome).toBe("escalation");
  });

  test("a malformed policy falls back to the default instead of failing the brand's answers", () => {
    expect(parsePolicies({ non_text: "yes" }).non_text).toBeUndefined();
    expect(nonTextOutcome(contextWith({ non_text: { escalate: "no" } })).outcome).toBe("escalation");
  });

  test("the turn's media are noted; its text is not", () => {
    expect(nonTextOf(contextWith({}))).toEqual([{ id: "m1", kind: "media" }]);
  });
});
