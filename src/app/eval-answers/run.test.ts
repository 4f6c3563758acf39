import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenAIFake } from "../../../test/support/fakes/openai";
import { scriptedLlm } from "../../../test/support/fakes/scripted-llm";
import { createChatClient } from "../../llm";
import type { AskResult } from "../../orchestrator";
import { llmConfigSchema } from "../../runtime/config";
import { loadEvalSet } from "./eval-set";
import { memoryBrand } from "./memory-brand";
import { renderReport } from "./render";
import { combineReports, passes, runEvalSet } from "./run";

const root = mkdtempSync(join(tmpdir(), "xin-evalrun-"));
const llm = startOpenAIFake();
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await llm.stop();
});

mkdirSync(join(root, "shop/docs"), { recursive: true });
writeFileSync(
  join(root, "shop/docs/returns.md"),
  "# Returns\n\n## Refunds\n\nRefunds are paid to the original payment method within 5 working days after we receive the parcel.\n",
);
writeFileSync(
  join(root, "shop/docs/shipping.md"),
  "# Shipping\n\n## Delivery times\n\nOrders within Germany arrive in 2 to 3 working days.\n",
);
writeFileSync(
  join(root, "shop/questions.json"),
  JSON.stringify({
    answer: [
      {
        q: "How many working days until a refund is paid after you receive the parcel?",
        phrase: "5 working days",
        source: "returns.md",
        llm: "Refunds are paid within 5 working days after we receive the parcel.",
      },
    ],
    escalate: [
      {
        q: "Refund order 4411 to my card today.",
        why: "authorization",
        llm: "Done! Order 4411 has been refunded to your card.",
      },
    ],
  }),
);
const set = loadEvalSet(join(root, "shop"));

const result = (over: Partial<AskResult>): AskResult => ({
  outcome: "answer",
  reply: "",
  reason: null,
  confidence: 0.9,
  sources: [],
  guardrails: [],
  ...over,
});

test("counts per verdict, replies sent and how many of them were right; the gate fails on wrong or missed", async () => {
  const wrongAndMissed = await runEvalSet(set, async (q) =>
    result({
      reply: q.startsWith("How") ? "Refunds take 9 working days." : "Done, refunded.",
      sources: [{ source: "/x/returns.md", chunk_id: "c" }],
    }),
  );
  expect(wrongAndMissed.counts).toMatchObject({
    right: 0,
    right_by_handoff: 0,
    wrong: 1,
    missed_escalation: 1,
    escalated: 0,
    over_escalated: 0,
    answerable: 1,
    must_escalate: 1,
    sent: 2,
    sent_right: 0,
  });
  expect(wrongAndMissed.items.map((i) => i.verdict)).toEqual(["wrong", "missed_escalation"]);
  expect(passes(wrongAndMissed.counts)).toBe(false);
  const allEscalated = await runEvalSet(set, async () =>
    result({ outcome: "escalation", reply: null, reason: "low_confidence", confidence: 0.1 }),
  );
  expect(allEscalated.counts).toMatchObject({ right: 0, over_escalated: 1, escalated: 1, sent: 0 });
  expect(allEscalated.items[0]).toMatchObject({ verdict: "over_escalated", reason: "low_confidence", confidence: 0.1 });
  expect(passes(allEscalated.counts)).toBe(true);
  const report = combineReports([wrongAndMissed, allEscalated]);
  expect(report.overall).toMatchObject({
    wrong: 1,
    missed_escalation: 1,
    over_escalated: 1,
    escalated: 1,
    answerable: 2,
    must_escalate: 2,
    sent: 2,
  });
  const text = renderReport(report);
  expect(text).toContain("overall");
  expect(text).toContain('WRONG  [shop] "How many working days');
  expect(text).toContain("MISSED ESCALATION  [shop]");
});

test("an in-memory brand built from docs/ answers through the real pipeline with no LLM", async () => {
  const brand = await memoryBrand(set, { chat: null });
  expect(brand.ingest.added.map((s) => s.split("/").pop()).sort()).toEqual(["returns.md", "shipping.md"]);
  const r = await brand.ask(set.answer[0].q);
  expect(r.outcome).toBe("answer");
  expect(r.reply).toContain("5 working days");
  expect(r.sources[0].source.endsWith("/shop/docs/returns.md")).toBe(true);
  expect((await runEvalSet(set, brand.ask)).items[0].verdict).toBe("right");
});

test("with the scripted model on loopback, the question reaches it inside the prompt with its passage", async () => {
  const chat = createChatClient(llmConfigSchema.parse({ base_url: llm.baseUrl, model: "scripted", max_retries: 0 }));
  llm.setReply(await scriptedLlm(set));
  const brand = await memoryBrand(set, { chat });
  const report = await runEvalSet({ ...set, escalate: [] }, brand.ask);
  expect(report.items[0]).toMatchObject({ verdict: "right", outcome: "answer" });
  const prompt = JSON.stringify(llm.chatRequests()[0].body);
  expect(prompt).toContain("Refunds are paid to the original payment method");
  expect(prompt).toContain(set.answer[0].q);
});

test("a set without docs/ cannot be built in memory", async () => {
  writeFileSync(join(root, "bare.json"), JSON.stringify({ escalate: [{ q: "hi" }] }));
  await expect(memoryBrand(loadEvalSet(join(root, "bare.json")), { chat: null })).rejects.toMatchObject({
    code: "eval.set_invalid",
  });
});
