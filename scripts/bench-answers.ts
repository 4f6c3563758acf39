// Answer quality on the answering sets (issue 12). BENCH.md records the figures.
//   bun scripts/bench-answers.ts [--mode knowledge|llm|both] [--set NAME] [--dir DIR]... [--json] [--no-misses]
// Sets: $SHARED_DIR/data/answering-peers/* (default SHARED_DIR ../shared) and test/fixtures/answering/*;
// each --dir adds a folder of sets (or one set folder) as a group of its own, e.g. held-out sets.
// Each set's docs/ go into an in-memory brand through runIngest (as `xin ingest` does); every question
// runs through the real pipeline (answerTurn: retrieval, guardrails, confidence) and is judged
// (src/app/eval-answers). Mode llm talks to the OpenAI fake on loopback with the scripted model of
// test/support/fakes/scripted-llm.ts, which answers right only when the right passage is in its prompt.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  calibration,
  combineReports,
  loadEvalSet,
  renderCalibration,
  memoryBrand,
  renderReport,
  runEvalSet,
  type EvalReport,
  type EvalSet,
  type SetReport,
} from "../src/app/eval-answers";
import { createChatClient } from "../src/llm";
import { llmConfigSchema } from "../src/runtime/config";
import { startOpenAIFake } from "../test/support/fakes/openai";
import { scriptedLlm } from "../test/support/fakes/scripted-llm";
import { sharedRoot } from "../test/support/fixtures";

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const mode = arg("--mode") ?? "both";
if (!["knowledge", "llm", "both"].includes(mode)) {
  console.error(`--mode must be knowledge, llm or both (got ${mode})`);
  process.exit(2);
}
const only = arg("--set");
const asJson = process.argv.includes("--json");
const withMisses = !process.argv.includes("--no-misses");

const extra = process.argv.flatMap((a, i) =>
  a === "--dir" && process.argv[i + 1] ? [resolve(process.argv[i + 1])] : [],
);
const setDirs = (root: string) =>
  !existsSync(root)
    ? []
    : existsSync(join(root, "questions.json"))
      ? [root]
      : readdirSync(root, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(root, d.name));
const roots = [
  { name: "shared (answering-peers)", dir: join(sharedRoot, "data/answering-peers") },
  { name: "own (test/fixtures)", dir: resolve(import.meta.dir, "../test/fixtures/answering") },
  ...extra.map((dir) => ({ name: dir, dir })),
];
const groups = roots.map((root) => ({
  name: root.name,
  sets: setDirs(root.dir)
    .filter((d) => existsSync(join(d, "questions.json")))
    .map((d) => loadEvalSet(d))
    .filter((s) => !only || s.name === only),
}));
const sets: EvalSet[] = groups.flatMap((g) => g.sets);
if (sets.length === 0) {
  console.error(only ? `no set named ${only}` : `no sets found under ${roots.map((r) => r.dir).join(", ")}`);
  process.exit(2);
}

const llm = startOpenAIFake();
const chat = createChatClient(
  llmConfigSchema.parse({
    base_url: llm.baseUrl,
    model: "scripted",
    max_retries: 0,
    timeout_ms: 10_000,
    max_tokens: 512,
  }),
);

const runMode = async (withLlm: boolean): Promise<{ report: EvalReport; seconds: number }> => {
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
  const subtotals = groups
    .filter((g) => g.sets.length > 0 && g.sets.length < sets.length)
    .map((g) => ({ name: g.name, counts: combineReports(g.sets.map((x) => report.sets[sets.indexOf(x)])).overall }));
  const confidence = calibration(report.sets.flatMap((s) => s.items));
  out[m] = { seconds: Math.round(seconds * 100) / 100, subtotals, calibration: confidence, ...report };
  if (!asJson)
    console.log(
      `\n== mode ${m} (${seconds.toFixed(1)} s) ==\n${renderReport(report, { misses: withMisses, subtotals })}\n${renderCalibration(confidence)}`,
    );
}
if (asJson) console.log(JSON.stringify(out, null, 2));
await llm.stop();
process.exit(0);
