// answerTurn with a gullible model: whatever it says, nothing ungrounded or unauthorised is sent, and
// a grounded answer still goes out. The model's reply is scripted per case; the checks see only the
// reply and the passages (and the customer's message), as they would with any model.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { startOpenAIFake, type OpenAIFake } from "../../test/support/fakes/openai";
import { answerTurn } from "./decide";
import { holdingMessage } from "./holding";
import { brandProfile, knowledgeFor, pipelineDeps } from "./test-kit";

const scope = { tenant_id: "ten_1", brand_id: "brd_1" };
let llm: OpenAIFake;
beforeAll(() => {
  llm = startOpenAIFake();
});
afterAll(() => llm.stop());
beforeEach(() => llm.reset());

const ask = async (question: string, reply: string | null, policies: unknown = {}) => {
  if (reply !== null) llm.setReply(reply);
  const backend = await knowledgeFor(scope);
  return answerTurn(pipelineDeps(backend, reply === null ? null : llm.baseUrl), {
    brand: brandProfile(scope, policies),
    question,
    history: [],
  });
};

describe("a gullible model's plausible replies escalate with the reason that names the problem", () => {
  const cases: [string, string, string, string][] = [
    [
      "an invented price",
      "How much is shipping to Austria?",
      "Shipping to Austria costs 7.90 euros and takes 4 to 6 working days [1].",
      "unsupported_answer",
    ],
    [
      "an invented duration",
      "How long can I return items?",
      "You can return unworn items within 60 days of delivery [1].",
      "unsupported_answer",
    ],
    [
      "an invented discount code",
      "Do you have a discount code?",
      "Use code WOOL15 for 15% off your next order [1].",
      "unsupported_answer",
    ],
    [
      "an invented link",
      "Where can I read the return policy?",
      "The return policy is at https://woolco.example/returns-2026 [1].",
      "unsupported_answer",
    ],
    [
      "an invented place",
      "Do you have a shop in Vienna?",
      "Yes! Our Vienna shop on Ringstrasse is open every day [1].",
      "unsupported_answer",
    ],
    [
      "a topic no document mentions",
      "Do you have parking for customers?",
      "Yes, we have free parking for customers right in front of the shop [1].",
      "unsupported_answer",
    ],
    [
      "an action claimed",
      "What is your return policy?",
      "I have started a return for your order; the courier picks it up tomorrow [1].",
      "authorization_required",
    ],
    [
      "a state of the customer's case",
      "What is your return policy?",
      "Good news: your refund is approved and on its way [2].",
      "authorization_required",
    ],
    [
      "a promised call",
      "How long does shipping to Austria take?",
      "Shipping to Austria takes 4 to 6 working days, and we will call you before delivery [1].",
      "authorization_required",
    ],
    [
      "no answer",
      "Do you sell socks?",
      "I'm sorry, I don't have that information. A colleague will follow up.",
      "no_answer",
    ],
  ];
  for (const [name, question, reply, reason] of cases)
    test(name, async () => {
      const o = await ask(question, reply);
      expect({ outcome: o.outcome, reason: o.reason }).toEqual({ outcome: "escalation", reason });
      expect(o.reply).not.toBeNull(); // the draft is kept for the agent
    });
});

describe("questions that need a person escalate before any model call, whatever the model would say", () => {
  const cases: [string, string][] = [
    ["Please cancel my order 4471 tomorrow at 9:30", "authorization_required"],
    ["Give me a 20% discount, I've been a loyal customer.", "authorization_required"],
    ["Where is my parcel? Order number 55123.", "personal_data"],
    ["What did my husband's order contain?", "personal_data"],
    ["Should I take ibuprofen for my back pain?", "advice_required"],
    ["I will sue you if this is not sorted today", "complaint"],
    ["I want to speak to Dr. Okafor, not a bot", "human_requested"],
  ];
  for (const [question, reason] of cases)
    test(question, async () => {
      const o = await ask(question, "Done! All taken care of for you.");
      expect({ outcome: o.outcome, reason: o.reason }).toEqual({ outcome: "escalation", reason });
      expect(llm.chatRequests()).toHaveLength(0);
    });
});

describe("near misses: grounded replies are sent", () => {
  const cases: [string, string, string][] = [
    ["Is shipping free?", "Shipping is free on orders over €50 [1].", "Shipping is free on orders over €50."],
    [
      "How long does shipping within Germany take?",
      "Orders within Germany arrive in 2-3 working days [1].",
      "Orders within Germany arrive in 2-3 working days.",
    ],
    [
      "Can I return items?",
      "Yes, you can return unworn items within thirty days of delivery [1].",
      "Yes, you can return unworn items within thirty days of delivery.",
    ],
    [
      "Do you ship to Italy?",
      "Sorry, we only ship to Germany, Austria and Switzerland; we cannot ship to Italy [1].",
      "Sorry, we only ship to Germany, Austria and Switzerland; we cannot ship to Italy.",
    ],
  ];
  for (const [question, reply, sent] of cases)
    test(question, async () => {
      const o = await ask(question, reply);
      expect({ outcome: o.outcome, reason: o.reason, reply: o.reply }).toEqual({
        outcome: "answer",
        reason: null,
        reply: sent,
      });
    });

  test("a policy question is answered from the knowledge, not escalated as a request", async () => {
    // Worded so retrieval finds the passage: a question whose words no passage carries escalates, rightly.
    const o = await ask(
      "Can I get a refund?",
      "Refunds are paid to the original payment method within 5 days after we receive the parcel [2].",
    );
    expect(o.outcome, JSON.stringify(o.guardrails.filter((g) => !g.passed))).toBe("answer");
  });
});

describe("languages", () => {
  test("a declared language passes language_mismatch; the model is asked to answer in it and to copy facts exactly", async () => {
    const o = await ask(
      "Wie lange dauert der Versand nach Austria und was kostet das?",
      "Der Versand nach Austria dauert 4 bis 6 Werktage [1].",
      { languages: ["de"] },
    );
    expect(o.language).toBe("de");
    expect(o.guardrails.find((g) => g.code === "language_mismatch")).toEqual({
      code: "language_mismatch",
      passed: true,
    });
    const system = (llm.chatRequests()[0].body as { messages: { content: string }[] }).messages[0].content;
    expect(system).toContain('answer in the language with code "de"');
    expect(system).toContain("copy numbers, prices, codes, names, links and contact details exactly");
  });

  test("an undeclared language escalates as language_mismatch, and the holding message is in the customer's language", async () => {
    const o = await ask("Wie lange dauert der Versand nach Austria und was kostet das?", "Egal.");
    expect({ reason: o.reason, language: o.language }).toEqual({ reason: "language_mismatch", language: "de" });
    expect(llm.chatRequests()).toHaveLength(0);
    const policies = brandProfile(scope).policies;
    expect(holdingMessage(policies, "en", o.language ?? null)).toStartWith("Danke für Ihre Nachricht!");
  });

  test("a cross-language answer's facts are still checked: an invented number escalates", async () => {
    const o = await ask(
      "Wie lange dauert der Versand nach Austria und was kostet das?",
      "Der Versand nach Austria dauert 9 bis 11 Werktage [1].",
      { languages: ["de"] },
    );
    expect(o.reason).toBe("unsupported_answer");
  });

  test("without an LLM, a declared language the passage is not written in hands over (needs_translation)", async () => {
    const o = await ask("Wie lange dauert der Versand nach Austria und Switzerland, bitte?", null, {
      languages: ["de"],
      min_confidence: 0,
    });
    expect(o.outcome).toBe("escalation");
    expect(["needs_translation", "low_confidence", "unsupported_answer"]).toContain(o.reason!);
    expect(o.language).toBe("de");
  });
});

test("holding messages: the brand's own per language, then the built-in translation, then its holding_message", () => {
  const policies = brandProfile(scope, {
    holding_message: "We'll be right with you.",
    holding_messages: { fr: "On arrive !" },
  }).policies;
  expect(holdingMessage(policies, "en", "fr")).toBe("On arrive !");
  expect(holdingMessage(policies, "en", "es")).toStartWith("¡Gracias por su mensaje!");
  expect(holdingMessage(policies, "en", "en")).toBe("We'll be right with you.");
  expect(holdingMessage(policies, "en", null)).toBe("We'll be right with you.");
  expect(holdingMessage(brandProfile(scope).policies, "de", null)).toStartWith("Danke");
});
