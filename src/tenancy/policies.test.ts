import { expect, test } from "bun:test";
import { parsePolicies } from "../orchestrator";
import { brandPoliciesInput } from "./policies";

const firstIssue = (value: unknown): string | null => {
  const parsed = brandPoliciesInput.safeParse(value);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${["policies", ...issue.path].join(".")}: ${issue.message}`;
};

test.each([
  [{ min_confidence: "high" }, "policies.min_confidence: expected a number 0..1"],
  [{ min_confidence: 1.5 }, "policies.min_confidence: expected a number 0..1"],
  [{ holding_message: 5 }, "policies.holding_message: expected a string"],
  [{ holding_message: "" }, "policies.holding_message: expected a non-empty string"],
  [
    { blocked_topics: ["medical"] },
    "policies.blocked_topics: unknown key; known: holding_message, holding_messages, languages, min_confidence, attribution, guardrails, non_text",
  ],
  [{ guardrails: [] }, "policies.guardrails: Invalid input: expected record, received array"],
  [
    { guardrails: { blocked_topic: { topics: "politics" } } },
    "policies.guardrails.blocked_topic.topics: expected a list of strings",
  ],
  [
    { guardrails: { blocked_topic: { topic: ["politics"] } } },
    "policies.guardrails.blocked_topic.topic: unknown key; known: enabled, topics",
  ],
  [
    { guardrails: { language_mismatch: { enabled: "no" } } },
    "policies.guardrails.language_mismatch.enabled: expected true or false",
  ],
  [
    { guardrails: { my_custom_check: { enabled: 1 } } },
    "policies.guardrails.my_custom_check.enabled: expected true or false",
  ],
  [
    { guardrails: { outside_hours: { timezone: "Mars/Olympus" } } },
    "policies.guardrails.outside_hours.timezone: expected an IANA time zone, e.g. Europe/Berlin",
  ],
  [
    { guardrails: { outside_hours: { hours: { monday: "09:00-18:00" } } } },
    "policies.guardrails.outside_hours.hours.monday: unknown key; known: mon, tue, wed, thu, fri, sat, sun",
  ],
  [
    { guardrails: { outside_hours: { hours: { mon: "9 to 5" } } } },
    'policies.guardrails.outside_hours.hours.mon: expected ranges like "09:00-12:00, 13:00-18:00"',
  ],
  [{ guardrails: { low_confidence: { min: -1 } } }, "policies.guardrails.low_confidence.min: expected a number 0..1"],
  ["strict", "policies: expected an object"],
])("%j is refused: %s", (value, message) => {
  expect(firstIssue(value)).toBe(message);
});

test("what the strict schema accepts, the lenient reader reads unchanged (the two cannot drift)", () => {
  const valid = [
    {},
    { holding_message: "Thanks! A colleague will reply here shortly.", min_confidence: 0.5 },
    {
      attribution: "title" as const,
      languages: ["en", "de"],
      holding_messages: { de: "Danke! Eine Kollegin antwortet gleich." },
      non_text: { reply: "Thanks for the photo!", escalate: true },
    },
    {
      guardrails: {
        blocked_topic: { topics: ["politics"] },
        outside_hours: {
          enabled: true,
          timezone: "Europe/Berlin",
          hours: { mon: "09:00-18:00", sat: "10:00-12:00, 13:00-14:00" },
        },
        language_mismatch: { enabled: false, accept: ["en"] },
        my_custom_check: { enabled: true, threshold: 3 },
      },
    },
  ];
  for (const value of valid) {
    expect(firstIssue(value)).toBeNull();
    expect(parsePolicies(value)).toEqual({ attribution: "none", guardrails: {}, ...value });
  }
});
