import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brandProfile } from "../test-kit";
import { loadCustomGuardrails } from "./custom";
import { BUILT_IN_GUARDRAILS, runGuardrails } from "./index";

const examples = join(import.meta.dir, "../../../examples/guardrails");
const brand = brandProfile(
  { tenant_id: "t", brand_id: "b" },
  { guardrails: { competitor_mention: { names: ["Acme Knits"] } } },
);
const base = {
  question: "q",
  history: [],
  brand,
  passages: [],
  confidence: null,
  mode: "llm" as const,
  now: new Date(),
};

test("the shipped example loads and fails a draft naming a configured competitor", async () => {
  const custom = await loadCustomGuardrails(
    examples,
    BUILT_IN_GUARDRAILS.map((g) => g.code),
  );
  expect(custom.map((g) => g.code)).toEqual(["competitor_mention"]);
  const bad = await runGuardrails(custom, "output", { ...base, draft: "Acme Knits is cheaper, but ours is softer." });
  expect(bad).toEqual([{ code: "competitor_mention", passed: false, detail: "names Acme Knits" }]);
  expect(await runGuardrails(custom, "output", { ...base, draft: "Ours is softer." })).toEqual([
    { code: "competitor_mention", passed: true },
  ]);
});

const folderWith = (name: string, source: string) => {
  const dir = mkdtempSync(join(tmpdir(), "xin-guardrails-"));
  writeFileSync(join(dir, name), source);
  return dir;
};

test("a module of the wrong shape, or a taken code, stops the start with guardrails.invalid naming the file", async () => {
  const wrong = folderWith(
    "bad.ts",
    `export default { code: "Bad Code", description: "x", stages: ["output"], evaluate: () => ({ passed: true }) };`,
  );
  await expect(loadCustomGuardrails(wrong, [])).rejects.toMatchObject({
    code: "guardrails.invalid",
    message: expect.stringContaining("bad.ts"),
  });
  const clash = folderWith(
    "dup.ts",
    `export default { code: "pii_in_answer", description: "x", stages: ["output"], evaluate: () => ({ passed: true }) };`,
  );
  await expect(
    loadCustomGuardrails(
      clash,
      BUILT_IN_GUARDRAILS.map((g) => g.code),
    ),
  ).rejects.toMatchObject({ code: "guardrails.invalid" });
});

test("an evaluator that throws counts as failed: a broken check never waves a draft through", async () => {
  const dir = folderWith(
    "boom.ts",
    `export const guardrail = { code: "boom", description: "x", stages: ["output"], evaluate: () => { throw new Error("oops"); } };`,
  );
  const [g] = await loadCustomGuardrails(dir, []);
  expect(await runGuardrails([g], "output", { ...base, draft: "hello" })).toEqual([
    { code: "boom", passed: false, detail: "the check failed: oops" },
  ]);
});
