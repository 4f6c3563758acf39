import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadBeir, parseQrels } from "./beir";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

const dataset = (gzip: boolean, corpusLines: string[]) => {
  const dir = tempDir("xin-beir-");
  mkdirSync(join(dir, "qrels"));
  const corpus = corpusLines.join("\n") + "\n";
  if (gzip) writeFileSync(join(dir, "corpus.jsonl.gz"), gzipSync(corpus));
  else writeFileSync(join(dir, "corpus.jsonl"), corpus);
  writeFileSync(
    join(dir, "queries.jsonl"),
    ['{"_id":"q1","text":"first"}', '{"_id":"q2","text":"unjudged"}'].join("\n"),
  );
  writeFileSync(join(dir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\t10\t1\nq1\td2\t2\n");
  return dir;
};

const docs = ['{"_id":"10","title":"T","text":"body","metadata":{}}', '{"_id":"d2","text":"no title"}'];

describe("loadBeir", () => {
  for (const gzip of [false, true]) {
    test(`reads corpus.jsonl${gzip ? ".gz" : ""}, queries with judgements only, and qrels`, () => {
      const data = loadBeir(dataset(gzip, docs));
      expect(data.corpus).toEqual([
        { id: "10", title: "T", text: "body" },
        { id: "d2", title: "", text: "no title" },
      ]);
      expect(data.queries).toEqual([{ id: "q1", text: "first" }]);
      expect([...(data.qrels.get("q1") ?? [])]).toEqual([
        ["10", 1],
        ["d2", 2],
      ]);
    });
  }

  test("a malformed line fails with its file and line number", () => {
    expect(() => loadBeir(dataset(false, [docs[0], '{"_id":"x"}']))).toThrow(/corpus\.jsonl:2/);
  });

  test("a missing corpus is a clear error", () => {
    expect(() => loadBeir(tempDir("xin-beir-empty-"))).toThrow("no corpus.jsonl");
  });
});

test("parseQrels accepts CRLF and rejects non-integer scores", () => {
  expect(parseQrels("q\td\t1\r\n").get("q")?.get("d")).toBe(1);
  expect(() => parseQrels("q\td\thigh\n")).toThrow("integer score");
});
