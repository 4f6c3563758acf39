// Table-driven: the input evaluators that send a conversation to a person, on what they must flag and on
// look-alikes that must be answered from the knowledge.
import { expect, test } from "bun:test";
import { brandProfile } from "../test-kit";
import type { Passage } from "../types";
import { adviceRequired } from "./advice";
import { authorizationRequired } from "./authorization";
import { complaint } from "./complaint";
import { humanRequest } from "./human-request";
import { personalData } from "./personal-data";
import type { Guardrail, GuardrailInput } from "./types";

const brand = { ...brandProfile({ tenant_id: "t", brand_id: "b" }), name: "Shoplite" };
const input = (over: Partial<GuardrailInput>): GuardrailInput => ({
  stage: "input",
  question: "",
  history: [],
  brand,
  passages: [],
  draft: null,
  confidence: null,
  mode: "llm",
  now: new Date(),
  options: {},
  ...over,
});
const passed = async (g: Guardrail, over: Partial<GuardrailInput>) => (await g.evaluate(input(over))).passed;

const table: [Guardrail, string[], string[]][] = [
  [
    authorizationRequired,
    [
      "Please cancel my appointment tomorrow at 9:30",
      "give me 15 % off",
      "Please book me a flight for next Monday",
      "Can you check if my visa is ready?",
      "Please refund order #88213 to my card",
      "Gebt mir einen Gutscheincode, es gibt 50 % Rabatt.",
    ],
    [
      "Can I cancel my order?",
      "Do you give student discounts?",
      "How do refunds work?",
      "can i get a discount as a college student",
      "Can you ship lithium batteries?",
      "Do I need to reserve in summer?",
      "I ordered the wrong book 20 minutes ago, can I still cancel it myself?",
      "Can you give me the ocean freight price to Shanghai?",
    ],
  ],
  [
    personalData,
    [
      "What time is my husband's appointment?",
      "Is John Smith's visa ready?",
      "What did the customer before me order?",
      "Can you tell me my wife's booking details?",
      "Is my visa ready?",
      "Where is my order?",
      "Did you receive my payment?",
      "My application number is 20931",
      "What's the status of my refund?",
      "Hat meine Nachbarin Frau Schulz ihre Torte schon abgeholt?",
      "Has Mrs Patel collected her order?",
    ],
    [
      "How do product warranties work with Shoplite's return policy?",
      "How do I track my order?",
      "My son is allergic to peanuts, can you make his jollof without nuts?",
      "How long does a visa take?",
      "What payment methods do you accept?",
      "Is there a fee if I miss my appointment completely?",
    ],
  ],
  [
    adviceRequired,
    [
      "Should I take ibuprofen with this supplement?",
      "What dosage is safe for a child?",
      "Is it legal to break my tenancy contract early?",
      "Should I invest my savings in crypto?",
      "Can I sue my landlord?",
    ],
    [
      "Do you sell ibuprofen?",
      "What's the best way to cook egusi soup at home?",
      "How long is the contract term?",
      "What is the ruble to yuan exchange rate today?",
    ],
  ],
  [
    complaint,
    [
      "I'll sue you",
      "My lawyer will contact you",
      "I will report you to consumer protection",
      "I want to complain about everything",
      "My order is wrong",
      "The parcel never arrived",
      "I received the wrong size",
      "This is unacceptable!",
      "Ich werde meinen Anwalt einschalten",
    ],
    [
      "How do I file a complaint?",
      "What if my order arrives damaged?",
      "What's your complaint procedure?",
      "Is the food prepared fresh?",
    ],
  ],
  [
    humanRequest,
    [
      "I want to speak to Dr. Okafor, not a bot",
      "real human please",
      "can someone call me?",
      "Call me back please",
      "I'd like to talk to a real person, not a bot.",
      "Can I talk to the manager?",
      "Can I speak to Maria?",
      "Ich möchte einen Rückruf",
      "Je veux parler à un conseiller",
      "Quiero hablar con una persona",
      "Vorrei parlare con un operatore",
      "human",
      "Ich möchte mit Frau Albrecht persönlich sprechen.",
      "Kann mich bitte ein Mitarbeiter zurückrufen?",
      "I don't want a chatbot. Is there someone at the shop I can talk to?",
      "Is there anyone I could speak with about my order?",
      "I do not want to talk to a bot",
    ],
    [
      "How do humans wash merino?",
      "Do you call customers before delivery?",
      "Who is the manager of the store in Abuja?",
      "Can I talk to you about shipping?",
      "Is there someone who can help me choose a bike?",
      "I don't want a receipt",
    ],
  ],
];

for (const [g, bad, good] of table) {
  test(`${g.code}: flags what it must, passes look-alikes`, async () => {
    for (const q of bad) expect({ q, passed: await passed(g, { question: q }) }).toEqual({ q, passed: false });
    for (const q of good) expect({ q, passed: await passed(g, { question: q }) }).toEqual({ q, passed: true });
  });
}

test("advice_required passes when the brand's documents state the answer, and per-brand fields apply", async () => {
  const leaflet: Passage = {
    n: 1,
    chunk_id: "l#0",
    source: "leaflet.md",
    title: "Ibuprofen",
    heading: "",
    text: "Adults take ibuprofen 200 mg with this supplement safely; children under 12 should not take ibuprofen.",
    score: 1,
  };
  expect(
    await passed(adviceRequired, { question: "Should I take ibuprofen with this supplement?", passages: [leaflet] }),
  ).toBe(true);
  expect(await passed(adviceRequired, { question: "Should I take ibuprofen with this supplement?" })).toBe(false);
  const pets = { topics: { veterinary: ["vet", "worming"] }, fields: ["veterinary"] };
  expect(await passed(adviceRequired, { question: "Should I give my dog worming tablets?", options: pets })).toBe(
    false,
  );
  expect(await passed(adviceRequired, { question: "Should I take ibuprofen?", options: pets })).toBe(true);
});

test("authorization_required: drafts that claim an action fail, unless the passages describe that step", async () => {
  const faq: Passage = {
    n: 1,
    chunk_id: "f#0",
    source: "faq.txt",
    title: "",
    heading: "",
    text: "Tell us the item and we’ll confirm the current price.",
    score: 1,
  };
  const out = (draft: string) => passed(authorizationRequired, { stage: "output", draft, passages: [faq] });
  expect(await out("Done! I have booked you on the Monday flight.")).toBe(false);
  expect(await out("Yes, your visa for application 20931 is ready.")).toBe(false);
  expect(await out("We will call you tomorrow.")).toBe(false);
  expect(await out("Tell us the item and we'll confirm the current price.")).toBe(true);
  expect(
    await passed(authorizationRequired, { question: "I need a rush order", options: { actions: ["rush order"] } }),
  ).toBe(false);
});
