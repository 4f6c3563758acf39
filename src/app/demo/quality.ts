// A small question set written from the demo knowledge, with what a correct answer must contain
// (null: the knowledge does not cover it, so the right outcome is an escalation). Used by the demo
// test and by scripts/bench-answer.ts to measure knowledge-base mode (answered / escalated / wrong).
export type QualityCase = { question: string; expect: string | null };

export const DEMO_QUALITY_SET: QualityCase[] = [
  { question: "How long does delivery to Austria take?", expect: "3 to 5 working days" },
  { question: "Is shipping free?", expect: "free for orders over 50 euros" },
  { question: "How much does express delivery cost?", expect: "9.90 euros" },
  { question: "Do you ship to the United Kingdom?", expect: "United Kingdom" },
  { question: "How do I wash merino wool?", expect: "wool cycle at 30 degrees" },
  { question: "What payment methods do you accept?", expect: "PayPal" },
  { question: "When is customer service open?", expect: "Monday to Friday from 9 am to 6 pm" },
  { question: "How long do I have to return an item?", expect: "within 30 days of delivery" },
  { question: "When will I get my money back after a return?", expect: "within 5 working days" },
  { question: "Where is your store?", expect: "Torstrasse 1" },
  { question: "Do you sell gift cards?", expect: "gift cards from 20 to 200 euros" },
  { question: "Which size should I pick if I am between sizes?", expect: "choose the larger one" },
  { question: "Do you ship to Japan?", expect: "do not ship outside Europe" },
  { question: "Can I track my parcel?", expect: "tracking link" },
  { question: "Do you have a loyalty program with points?", expect: null },
  { question: "Are your products vegan leather?", expect: null },
];

export type QualityVerdict = "correct" | "escalated" | "wrong";

/** Correct: answered and containing the expected text, or escalated when nothing covers it. */
export const judge = (c: QualityCase, outcome: { outcome: string; reply: string | null }): QualityVerdict => {
  if (outcome.outcome !== "answer") return c.expect === null ? "correct" : "escalated";
  return c.expect !== null && (outcome.reply ?? "").includes(c.expect) ? "correct" : "wrong";
};
