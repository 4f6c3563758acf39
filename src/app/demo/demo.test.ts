// The demo brand's knowledge answers a newcomer's questions in knowledge-base mode (no LLM), and
// escalates what it does not cover rather than answering wrongly.
import { expect, test } from "bun:test";
import { answerTurn, BUILT_IN_GUARDRAILS, parsePolicies } from "../../orchestrator";
import { analyzerFor, MemoryBackend } from "../../rag";
import { silentLogger } from "../../runtime";
import { DEMO_KNOWLEDGE, DEMO_QUESTIONS, seedDemoKnowledge } from "./index";
import { DEMO_QUALITY_SET, judge } from "./quality";

const scope = { tenant_id: "ten_demo", brand_id: "brd_demo" };
const brand = {
  id: scope.brand_id,
  tenant_id: scope.tenant_id,
  name: "Demo Shop",
  persona: { name: "Demo Shop", tone: "friendly", language: "en", directives: [] },
  policies: parsePolicies({}),
};

const seeded = async () => {
  const backend = new MemoryBackend(() => analyzerFor("en"));
  expect(await seedDemoKnowledge(backend, scope)).toBeGreaterThan(10);
  return {
    search: backend.search.bind(backend),
    chat: null,
    guardrails: BUILT_IN_GUARDRAILS,
    config: { top_k: 6, min_confidence: 0.45 },
    log: silentLogger,
  };
};

test("the demo knowledge is embedded text, one source per file", () => {
  expect(Object.keys(DEMO_KNOWLEDGE)).toEqual([
    "demo/shipping.md",
    "demo/returns.md",
    "demo/products.md",
    "demo/contact.md",
  ]);
  for (const text of Object.values(DEMO_KNOWLEDGE)) expect(text).toStartWith("# ");
});

test("the README's first questions are answered with no LLM from a demo source, with no file name shown", async () => {
  const deps = await seeded();
  for (const question of DEMO_QUESTIONS) {
    const o = await answerTurn(deps, { brand, question, history: [] });
    expect({ question, outcome: o.outcome }).toEqual({ question, outcome: "answer" });
    // The brand policy `attribution` defaults to none: the source is recorded, not shown.
    expect(o.reply).not.toMatch(/Source:|demo\//);
    expect(o.sources[0].source).toStartWith("demo/");
  }
});

test("on the demo question set, knowledge mode is never wrong and answers most", async () => {
  const deps = await seeded();
  const verdicts = [];
  for (const c of DEMO_QUALITY_SET)
    verdicts.push({ q: c.question, v: judge(c, await answerTurn(deps, { brand, question: c.question, history: [] })) });
  expect(verdicts.filter((x) => x.v === "wrong")).toEqual([]);
  expect(verdicts.filter((x) => x.v === "correct").length).toBeGreaterThanOrEqual(12);
});
