// The scripted model reads the prompt the pipeline really builds (buildPrompt), so a change to the
// prompt's fences that it no longer understands fails here, not silently in the bench.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answerItemSchema, escalateItemSchema } from "../../../src/app/eval-answers";
import { buildPrompt } from "../../../src/orchestrator/prompt";
import { brandProfile } from "../../../src/orchestrator/test-kit";
import type { Passage } from "../../../src/orchestrator/types";
import { customerMessageOf, documentsOf, scriptedLlm, UNSURE_REPLY, wrongNumbers } from "./scripted-llm";

const root = mkdtempSync(join(tmpdir(), "xin-scripted-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "docs"));
writeFileSync(join(root, "docs/returns.md"), "# Returns\n\nRefunds are paid within 5 working days.\n");
writeFileSync(join(root, "docs/care.md"), "# Care\n\nWash wool by hand in cold water.\n");

const brand = brandProfile({ tenant_id: "t", brand_id: "b" });
const passage = (n: number, source: string, text: string): Passage => ({
  n,
  chunk_id: `${source}#0`,
  source: `/srv/docs/${source}`,
  title: "",
  heading: "",
  text,
  score: 1,
});
const REFUND = passage(2, "returns.md", "Refunds are paid within 5 working days.");
const CARE = passage(1, "care.md", "Wash wool by hand in cold water.");

const set = {
  docsDir: join(root, "docs"),
  answer: [
    answerItemSchema.parse({
      q: "When do I get my refund?",
      phrase: "5 working days",
      source: "returns.md",
      llm: "Your refund arrives within 5 working days.",
    }),
    answerItemSchema.parse({
      q: "How should I wash it?",
      phrase: "hand wash only",
      source: "care.md",
      llm: "Please wash it by hand, in cold water.",
    }),
  ],
  escalate: [
    escalateItemSchema.parse({ q: "Refund me now, order 55", llm: "Done, your refund for order 55 is on its way." }),
  ],
};
const ask = async (question: string, passages: Passage[]) =>
  (await scriptedLlm(set))(buildPrompt(brand, passages, [], question), {});

test("the customer's message and the documents are read from the pipeline's own prompt", () => {
  const messages = buildPrompt(
    brand,
    [CARE, REFUND],
    [{ role: "customer", text: "hello" }],
    "When do I get my refund?",
  );
  expect(customerMessageOf(messages)).toBe("When do I get my refund?");
  expect(documentsOf(messages)).toEqual([
    { n: 1, source: "/srv/docs/care.md", text: "Wash wool by hand in cold water." },
    { n: 2, source: "/srv/docs/returns.md", text: "Refunds are paid within 5 working days." },
  ]);
});

test("the right answer, citing the passage, only when the passage carrying the phrase is in the prompt", async () => {
  expect(await ask("When do I get my refund?", [CARE, REFUND])).toBe("Your refund arrives within 5 working days. [2]");
  // Without it the model guesses: the same sentence with other numbers, a plausible wrong answer.
  expect(await ask("When do I get my refund?", [CARE])).toBe(
    `${wrongNumbers("Your refund arrives within 5 working days.")} [1]`,
  );
  expect(wrongNumbers("5 working days")).toBe("8 working days");
  // The phrase in a passage of another source is not the right passage.
  expect(
    await ask("When do I get my refund?", [passage(1, "care.md", "Dry flat; 5 working days for repairs.")]),
  ).toStartWith(wrongNumbers("Your refund"));
  expect(
    await ask("When do I get my refund?", [passage(1, "care.md", "Dry flat; 5 working days for repairs.")]),
  ).not.toContain("5 working days");
  expect(
    await (
      await scriptedLlm(set, { onMissing: "unsure" })
    )(buildPrompt(brand, [CARE], [], "When do I get my refund?"), {}),
  ).toBe(UNSURE_REPLY);
});

test("a phrase no chunk carries verbatim is grounded by a passage of its source; no numbers to guess: unsure", async () => {
  expect(await ask("How should I wash it?", [REFUND, CARE])).toBe("Please wash it by hand, in cold water. [1]");
  expect(await ask("How should I wash it?", [REFUND])).toBe(UNSURE_REPLY);
});

test("must-escalate questions get the gullible reply whatever the documents; unknown questions get unsure", async () => {
  expect(await ask("Refund me now, order 55", [CARE])).toBe("Done, your refund for order 55 is on its way. [1]");
  expect(await ask("  refund me NOW,   order 55 ", [])).toBe("Done, your refund for order 55 is on its way.");
  expect(await ask("Do you sell bicycles?", [CARE, REFUND])).toBe(UNSURE_REPLY);
});

test("a prompt without the customer fence is another kind of call: `other` answers it, else unsure", async () => {
  const judgeCall = [{ role: "user", content: "Is this claim supported? When do I get my refund?" }];
  expect((await scriptedLlm(set))(judgeCall, {})).toBe(UNSURE_REPLY);
  expect((await scriptedLlm(set, { other: () => "yes" }))(judgeCall, {})).toBe("yes");
});
