import { expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../runtime";
import { evalRetrievalBeir } from "./eval";

const dataset = () => {
  const dir = mkdtempSync(join(tmpdir(), "beir-tiny-"));
  const docs = [
    { _id: "d1", title: "Returns", text: "Items can be returned within thirty days for a full refund." },
    { _id: "d2", title: "Shipping", text: "We ship parcels to Austria and Germany in three days." },
    { _id: "d3", title: "Gift cards", text: "Gift cards never expire and can be used online." },
  ];
  writeFileSync(join(dir, "corpus.jsonl"), docs.map((d) => JSON.stringify(d)).join("\n"));
  const queries = [
    { _id: "q1", text: "how long do I have to return an item" },
    { _id: "q2", text: "do gift cards expire" },
  ];
  writeFileSync(join(dir, "queries.jsonl"), queries.map((q) => JSON.stringify(q)).join("\n"));
  mkdirSync(join(dir, "qrels"));
  writeFileSync(join(dir, "qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n");
  return dir;
};

test("eval retrieval ingests a BEIR dataset into a throwaway embedded store and scores it", async () => {
  const before = readdirSync(tmpdir()).filter((f) => f.startsWith("xin-eval-")).length;
  const report = await evalRetrievalBeir(dataset(), silentLogger);
  expect(Object.keys(report).sort()).toEqual([
    "documents",
    "ingest_seconds",
    "mrr_at_10",
    "ndcg_at_10",
    "queries",
    "query_p50_ms",
    "query_p95_ms",
    "recall_at_100",
  ]);
  expect(report).toMatchObject({ documents: 3, queries: 2, ndcg_at_10: 1, mrr_at_10: 1, recall_at_100: 1 });
  expect(readdirSync(tmpdir()).filter((f) => f.startsWith("xin-eval-")).length).toBe(before); // temp store removed
});

test("a folder that is not a BEIR dataset is a clear error", async () => {
  const empty = mkdtempSync(join(tmpdir(), "beir-none-"));
  await expect(evalRetrievalBeir(empty, silentLogger)).rejects.toMatchObject({ code: "eval.dataset_invalid" });
  expect(existsSync(empty)).toBe(true);
});
