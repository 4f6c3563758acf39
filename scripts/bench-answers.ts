// Answer quality on the answering sets (issue 12). BENCH.md records the figures.
//   bun scripts/bench-answers.ts [--mode knowledge|llm|both] [--set NAME] [--json] [--misses]
// Sets: $SHARED_DIR/data/answering-peers/* (default SHARED_DIR ../shared) and test/fixtures/answering/*.
// Each set's docs/ go into an in-memory brand through runIngest (as `xin ingest` does); every question
// runs through the real pipeline (answerTurn: retrieval, guardrails, confidence) and is judged
// (src/app/eval-answers). Mode llm talks to the OpenAI fake on loopback with the scripted model of
// test/support/fakes/scripted-llm.ts, which answers right only when the right passage is in its prompt.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { combineReports, loadEvalSet, memoryBrand, renderReport, runEvalSet, type EvalSet, type SetReport } from "../src/app/eval-answers";
import { createChatClient } from "../src/llm";
import { llmConfigSchema } from "../src/runtime/config";
import { startOpenAIFake } from "../test/support/fakes/openai";
import { scriptedLlm } from "../test/support/fakes/scripted-llm";

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const mode = arg("--mode") ?? "both";
if (!["knowledge", "llm", "both"].includes(mode)) {
  console.error(`--mode must be knowledge, llm or both (got ${mode})`);
  process.exit(2);
}
const only = arg("--set");
const asJson = process.argv.includes("--json");
const withMisses = !process.argv.includes("--no-misses");

const setDirs = (root: string) => (existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, d.name)) : []);
const roots = [resolve(process.env.SHARED_DIR ?? join(import.meta.dir, "../../shared"), "data/answering-peers"), resolve(import.meta.dir, "../test/fixtures/answering")];
const sets: EvalSet[] = roots
  .flatMap(setDirs)
  .filter((d) => existsSync(join(d, "questions.json")))
  .map((d) => loadEvalSet(d))
  .filter((s) => !only || s.name === only);
if (sets.length === 0) {
  console.error(only ? `no set named ${only}` : `no sets found under ${roots.join(", ")}`);
  process.exit(2);
}

const llm = startOpenAIFake();
const chat = createChatClient(llmConfigSchema.parse({ base_url: llm.baseUrl, model: "scripted", max_retries: 0, timeout_ms: 10_000, max_tokens: 512 }));

const runMode = async (withLlm: boolean): Promise<{ report: ReturnType<typeof combineReports>; seconds: number }> => {
  const started = performance.now();
  const reports: SetReport[] = [];
  for (const set of sets) {
    const brand = await memoryBrand(set, { chat: withLlm ? chat : null });
    if (withLlm) llm.setReply(await scriptedLlm(set));
    reports.push(await runEvalSet(set, brand.ask));
  }
  return { report: combineReports(reports), seconds: (performance.now() - started) / 1000 };
};

const modes = mode === "both" ? ["knowledge", "llm"] : [mode];
const out: Record<string, unknown> = {};
for (const m of modes) {
  const { report, seconds } = await runMode(m === "llm");
  out[m] = { seconds: Math.round(seconds * 100) / 100, ...report };
  if (!asJson) console.log(`\n== mode ${m} (${seconds.toFixed(1)} s) ==\n${renderReport(report, withMisses)}`);
}
if (asJson) console.log(JSON.stringify(out, null, 2));
await llm.stop();
process.exit(0);
