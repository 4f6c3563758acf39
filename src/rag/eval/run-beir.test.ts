import { expect, test } from "bun:test";
import { MemoryBackend } from "../backends/memory";
import { analyzerFor } from "../lexical/analyzer";
import type { BeirDataset } from "./beir";
import { backendTarget, percentile, runBeir } from "./run-beir";

const dataset: BeirDataset = {
  corpus: [
    { id: "d1", title: "Kettle warranty", text: "Every kettle has a two year warranty." },
    { id: "d2", title: "Shipping", text: "Parcels ship within two days." },
    { id: "d3", title: "Descaling", text: "Use vinegar to remove limescale from the kettle." },
  ],
  queries: [
    { id: "q1", text: "how long is the warranty" },
    { id: "q2", text: "remove limescale" },
    { id: "q3", text: "zebra" },
  ],
  qrels: new Map([
    ["q1", new Map([["d1", 1]])],
    ["q2", new Map([["d3", 1]])],
    ["q3", new Map([["d2", 1]])],
  ]),
};

test("runBeir through the memory backend: found queries score 1, the unanswerable one 0", async () => {
  const backend = new MemoryBackend(() => analyzerFor("en"));
  const report = await runBeir(dataset, backendTarget(backend, { tenant_id: "t", brand_id: "b" }));
  expect(report.queries).toBe(3);
  expect(report.documents).toBe(3);
  expect(report.ndcg_at_10).toBeCloseTo(2 / 3, 12);
  expect(report.mrr_at_10).toBeCloseTo(2 / 3, 12);
  expect(report.recall_at_100).toBeCloseTo(2 / 3, 12);
  expect(report.query_p95_ms).toBeGreaterThanOrEqual(report.query_p50_ms);
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
});

test("a document split into several chunks counts once, at its best chunk (MaxP)", async () => {
  const long = Array.from({ length: 120 }, (_, i) => `Filler sentence ${i} about nothing much.`).join(" ");
  const data: BeirDataset = {
    ...dataset,
    corpus: [{ id: "long", title: "Manual", text: `${long} The boiler pressure valve is here.` }, ...dataset.corpus],
  };
  const target = backendTarget(new MemoryBackend(() => analyzerFor("en")), { tenant_id: "t", brand_id: "b" });
  await target.ingest(data.corpus);
  const hits = await target.search("filler sentence boiler pressure", 10);
  expect(hits.filter((h) => h.id === "long")).toHaveLength(1);
  expect(hits[0].id).toBe("long");
});

test("percentile is nearest-rank", () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(xs, 50)).toBe(50);
  expect(percentile(xs, 95)).toBe(95);
  expect(percentile([7], 95)).toBe(7);
  expect(percentile([], 50)).toBe(0);
});
