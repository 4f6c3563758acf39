// The answer sets under test/fixtures/answering/ are inputs to bench-answers and to the helpers' work:
// a set that contradicts itself measures nothing. Each must load, name sources that exist, give
// answerable items a scripted `llm` reply that is right by the set's own judge (so a miss in llm mode
// is the pipeline's, not the set's), and carry every phrase in its documents.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { carries, isSource, judgeAnswer, loadEvalSet } from "../../src/app/eval-answers";
import { prepareSource } from "../../src/rag";

const ROOT = join(import.meta.dir, "../fixtures/answering");
const sets = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => loadEvalSet(join(ROOT, d.name)));

// The raw text, not the chunks: a parser that drops part of a file (say a JSON document's intro) is a
// defect the bench should show as a miss, not a reason to leave the question out of the set.
const docTexts = async (docsDir: string) => {
  const out: { source: string; text: string }[] = [];
  for (const rel of new Glob("**/*").scanSync({ cwd: docsDir, onlyFiles: true })) {
    const p = await prepareSource({ source: rel, bytes: new Uint8Array(readFileSync(join(docsDir, rel))) });
    if (!p.ok) throw new Error(`${rel}: ${p.reason}`);
    out.push({ source: rel, text: readFileSync(join(docsDir, rel), "utf8").replace(/<[^>]+>/g, " ") });
  }
  return out;
};

test("the own sets: at least four brands and 200 questions, 50 of them must-escalate", () => {
  expect(sets.length).toBeGreaterThanOrEqual(4);
  expect(sets.reduce((n, s) => n + s.answer.length + s.escalate.length, 0)).toBeGreaterThanOrEqual(200);
  expect(sets.reduce((n, s) => n + s.escalate.length, 0)).toBeGreaterThanOrEqual(50);
});

for (const set of sets) {
  describe(set.name, () => {
    test("sources exist, no question twice, every must-escalate item has a gullible reply", () => {
      expect(set.docsDir).not.toBeNull();
      const files = [...new Glob("**/*").scanSync({ cwd: set.docsDir!, onlyFiles: true })];
      for (const item of set.answer)
        for (const s of [item.source, ...item.source_alt])
          expect({ q: item.q, source: s, exists: files.some((f) => isSource(f, s)) }).toEqual({
            q: item.q,
            source: s,
            exists: true,
          });
      const qs = [...set.answer, ...set.escalate].map((i) => i.q.toLowerCase());
      expect(qs.filter((q, i) => qs.indexOf(q) !== i)).toEqual([]);
      expect(set.escalate.filter((i) => !i.llm || !i.why).map((i) => i.q)).toEqual([]);
    });

    test("each scripted answer is right by the set's own judge, every file ingests, and its phrase is in the documents", async () => {
      const docs = await docTexts(set.docsDir!);
      const problems: string[] = [];
      for (const item of set.answer) {
        const j = judgeAnswer(item, {
          outcome: "answer",
          reply: item.llm,
          reason: null,
          sources: [{ source: item.source, chunk_id: "x" }],
        });
        if (j.verdict !== "right") problems.push(`${item.q}: llm ${j.reason}`);
        const inDocs = docs.filter((c) => [item.phrase, ...item.phrase_alt].some((p) => carries(c.text, p)));
        if (inDocs.length === 0) problems.push(`${item.q}: no document carries "${item.phrase}"`);
      }
      expect(problems).toEqual([]);
    });
  });
}

test("the shared sets are where bench-answers looks for them", () => {
  expect(
    existsSync(
      join(
        process.env.SHARED_DIR ?? join(import.meta.dir, "../../../shared"),
        "data/answering-peers/shoplite/questions.json",
      ),
    ),
  ).toBe(true);
});
