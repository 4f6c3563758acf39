// Retrieval benchmark for the rag room's in-process BM25 (no database).
//
//   bun scripts/bench-retrieval.ts [--beir DIR] [--k1 1.2] [--b 0.75] [--fields title+text|text]
//   bun scripts/bench-retrieval.ts --compare     (adds lunr, MiniSearch, Orama on the same data)
//   bun scripts/bench-retrieval.ts --via-backend (full path: chunker + MemoryBackend, as `xin eval`)
//   bun scripts/bench-retrieval.ts --synthetic 200000 [--queries 500]
//   bun scripts/bench-retrieval.ts --dense 100000 [--dims 1536] [--queries 50]
//
// BEIR mode indexes the corpus, runs every test query (top 100), prints metrics, index time and
// query latency as one JSON object. Synthetic mode builds a Zipfian corpus of N chunks (~120 tokens)
// and reports ingest rate, index memory and query latency at that size.
import {
  analyzerFor,
  backendTarget,
  Bm25Index,
  DEFAULT_BM25,
  DenseIndex,
  evaluateRun,
  loadBeir,
  MemoryBackend,
  percentile,
  runBeir,
} from "../src/rag";
import type { Run } from "../src/rag";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

const latencySummary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { query_p50_ms: round(percentile(sorted, 50), 3), query_p95_ms: round(percentile(sorted, 95), 3) };
};

const benchBeir = () => {
  const dir = arg("beir", `${import.meta.dir}/../../shared/data/beir/scifact`);
  const fields = arg("fields", "title+text");
  const k1 = Number(arg("k1", String(DEFAULT_BM25.k1)));
  const b = Number(arg("b", String(DEFAULT_BM25.b)));
  const data = loadBeir(dir);
  const index = new Bm25Index(analyzerFor("en"), { k1, b });
  const t0 = performance.now();
  for (const doc of data.corpus) index.add(doc.id, fields === "text" ? doc.text : `${doc.title} ${doc.text}`);
  const indexSeconds = (performance.now() - t0) / 1000;
  const run: Run = new Map();
  const times: number[] = [];
  for (const q of data.queries) {
    const start = performance.now();
    const hits = index.search(q.text, 100);
    times.push(performance.now() - start);
    // BEIR drops a query's own id from its results (matters for datasets where ids overlap).
    run.set(q.id, new Map(hits.filter((h) => h.id !== q.id).map((h) => [h.id, h.score])));
  }
  const m = evaluateRun(run, data.qrels);
  return {
    dataset: dir.split("/").filter(Boolean).pop(),
    analyzer: index.analyzer.id,
    fields,
    k1,
    b,
    ndcg_at_10: round(m.ndcg_at_10),
    recall_at_100: round(m.recall_at_100),
    mrr_at_10: round(m.mrr_at_10),
    index_seconds: round(indexSeconds, 3),
    ...latencySummary(times),
    queries: m.queries,
    documents: index.size,
    index_bytes: index.stats().bytes,
  };
};

// Deterministic PRNG (mulberry32) so runs are comparable.
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const benchSynthetic = (chunks: number) => {
  const random = rng(42);
  const vocabulary = 50_000;
  // Log-uniform word ranks: frequency ∝ 1/rank, i.e. Zipf's law with exponent 1.
  const word = () => `w${Math.floor(Math.exp(random() * Math.log(vocabulary)))}`;
  const index = new Bm25Index(analyzerFor("en"));
  const heapBefore = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < chunks; i++) {
    const words: string[] = [];
    const length = 60 + Math.floor(random() * 120);
    for (let j = 0; j < length; j++) words.push(word());
    const text = words.join(" ");
    if (kept.length < 50_000) kept.push(text);
    index.add(`chunk-${i}`, text);
  }
  const ingestSeconds = (performance.now() - t0) / 1000;
  // Rebuilding from terms stored with each chunk (what a backend does at start) skips analysis.
  const stored = kept.map((text) => index.analyzer.analyze(text));
  kept.length = 0;
  const rebuilt = new Bm25Index(index.analyzer);
  const t1 = performance.now();
  stored.forEach((terms, i) => rebuilt.addTerms(`chunk-${i}`, terms));
  const rebuildRate = Math.round(stored.length / ((performance.now() - t1) / 1000));
  stored.length = 0;
  const grownBytes = index.stats().bytes;
  // Bulk loads leave doubling slack in every posting list; compaction trims it.
  index.compact();
  Bun.gc(true);
  const times: number[] = [];
  const queries = Number(arg("queries", "500"));
  for (let q = 0; q < queries; q++) {
    const terms = Array.from({ length: 3 + Math.floor(random() * 6) }, word).join(" ");
    const start = performance.now();
    index.search(terms, 10);
    times.push(performance.now() - start);
  }
  return {
    synthetic_chunks: chunks,
    ingest_seconds: round(ingestSeconds, 2),
    chunks_per_second: Math.round(chunks / ingestSeconds),
    rebuild_from_terms_chunks_per_second: rebuildRate,
    ...latencySummary(times),
    index_bytes_before_compact: grownBytes,
    index_bytes: index.stats().bytes,
    heap_delta_bytes: process.memoryUsage().heapUsed - heapBefore,
    rss_bytes: process.memoryUsage().rss,
    terms: index.stats().terms,
    postings: index.stats().postings,
  };
};

// Dense: N random unit vectors of `dims` floats, exact cosine top-10.
const benchDense = (rows: number) => {
  const dims = Number(arg("dims", "1536"));
  const random = rng(7);
  const index = new DenseIndex(dims, rows);
  const vector = new Float32Array(dims);
  const t0 = performance.now();
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dims; i++) vector[i] = random() * 2 - 1;
    index.add(`chunk-${r}`, vector);
  }
  const ingestSeconds = (performance.now() - t0) / 1000;
  const times: number[] = [];
  for (let q = 0; q < Number(arg("queries", "50")); q++) {
    for (let i = 0; i < dims; i++) vector[i] = random() * 2 - 1;
    const start = performance.now();
    index.search(vector, 10);
    times.push(performance.now() - start);
  }
  return {
    dense_rows: rows,
    dims,
    ingest_seconds: round(ingestSeconds, 2),
    ...latencySummary(times),
    matrix_bytes: index.bytes(),
    rss_bytes: process.memoryUsage().rss,
  };
};

// Side by side: the same corpus, queries and metric code for each JavaScript library.
const compareBaselines = async () => {
  const { baselines } = await import("./bench-retrieval-baselines");
  const data = loadBeir(arg("beir", `${import.meta.dir}/../../shared/data/beir/scifact`));
  const docs = data.corpus.map((d) => ({ id: d.id, content: `${d.title} ${d.text}` }));
  const rows = [];
  for (const baseline of baselines) {
    const t0 = performance.now();
    const query = await baseline.build(docs);
    const indexSeconds = (performance.now() - t0) / 1000;
    const run: Run = new Map();
    const times: number[] = [];
    for (const q of data.queries) {
      const start = performance.now();
      const hits = await query(q.text);
      times.push(performance.now() - start);
      run.set(q.id, new Map(hits.filter((h) => h.id !== q.id).map((h) => [h.id, h.score])));
    }
    const m = evaluateRun(run, data.qrels);
    rows.push({
      system: baseline.name,
      ndcg_at_10: round(m.ndcg_at_10),
      recall_at_100: round(m.recall_at_100),
      mrr_at_10: round(m.mrr_at_10),
      index_seconds: round(indexSeconds, 3),
      ...latencySummary(times),
    });
  }
  return rows;
};

// The full ingest path: documents chunked and written through the RetrievalBackend contract.
const benchViaBackend = async () => {
  const data = loadBeir(arg("beir", `${import.meta.dir}/../../shared/data/beir/scifact`));
  const backend = new MemoryBackend(() => analyzerFor("en"));
  const report = await runBeir(data, backendTarget(backend, { tenant_id: "ten_eval", brand_id: "brd_eval" }));
  const rounded = Object.fromEntries(Object.entries(report).map(([key, value]) => [key, round(value)]));
  return { via: "memory-backend", ...rounded };
};

const synthetic = arg("synthetic", "");
const dense = arg("dense", "");
if (process.argv.includes("--compare")) {
  const ours = benchBeir();
  console.log(
    JSON.stringify([
      { system: `xin ${ours.analyzer} k1=${ours.k1} b=${ours.b}`, ...ours },
      ...(await compareBaselines()),
    ]),
  );
} else if (process.argv.includes("--via-backend")) console.log(JSON.stringify(await benchViaBackend()));
else
  console.log(
    JSON.stringify(synthetic ? benchSynthetic(Number(synthetic)) : dense ? benchDense(Number(dense)) : benchBeir()),
  );
