import type { Qrels } from "./beir";

/**
 * Retrieval metrics computed the way BEIR does (pytrec_eval, i.e. trec_eval, plus BEIR's own MRR):
 *
 * - A run is ranked by score descending; equal scores are ordered by document id descending
 *   (trec_eval's tie rule), so a tie can never be broken in our favour.
 * - A document is relevant when its qrels grade is > 0. nDCG uses the grade itself as gain
 *   (trec_eval's `ndcg_cut`, not 2^rel − 1) and log2(rank + 1) discount; the ideal DCG is built
 *   from all judged grades of the query.
 * - Per-query values are averaged over the queries that have at least one relevant document;
 *   a query with no results scores 0 (BEIR would drop it, which flatters a system that fails).
 */
export type Run = Map<string, Map<string, number>>;
export type MetricsSummary = { ndcg_at_10: number; recall_at_100: number; mrr_at_10: number; queries: number };

/** Document ids of one query's run in trec_eval order. */
export const rankRun = (scores: Map<string, number>): string[] =>
  [...scores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0)).map(([id]) => id);

/** nDCG@k of one ranked list (trec_eval `ndcg_cut_k`). */
export const ndcgAt = (ranked: readonly string[], judged: Map<string, number>, k: number): number => {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const gain = judged.get(ranked[i]) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(i + 2);
  }
  const ideal = [...judged.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  return idcg === 0 ? 0 : dcg / idcg;
};

/** Recall@k: relevant documents in the top k over all relevant documents of the query. */
export const recallAt = (ranked: readonly string[], judged: Map<string, number>, k: number): number => {
  let relevant = 0;
  for (const g of judged.values()) if (g > 0) relevant++;
  if (relevant === 0) return 0;
  let found = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((judged.get(ranked[i]) ?? 0) > 0) found++;
  return found / relevant;
};

/** Reciprocal rank of the first relevant document within the top k, else 0. */
export const mrrAt = (ranked: readonly string[], judged: Map<string, number>, k: number): number => {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((judged.get(ranked[i]) ?? 0) > 0) return 1 / (i + 1);
  return 0;
};

/** Mean nDCG@10, Recall@100 and MRR@10 of `run` against `qrels`. */
export const evaluateRun = (run: Run, qrels: Qrels): MetricsSummary => {
  let ndcg = 0;
  let recall = 0;
  let mrr = 0;
  let queries = 0;
  for (const [qid, judged] of qrels) {
    if (![...judged.values()].some((g) => g > 0)) continue;
    queries++;
    const ranked = rankRun(run.get(qid) ?? new Map());
    ndcg += ndcgAt(ranked, judged, 10);
    recall += recallAt(ranked, judged, 100);
    mrr += mrrAt(ranked, judged, 10);
  }
  const mean = (x: number) => (queries === 0 ? 0 : x / queries);
  return { ndcg_at_10: mean(ndcg), recall_at_100: mean(recall), mrr_at_10: mean(mrr), queries };
};
