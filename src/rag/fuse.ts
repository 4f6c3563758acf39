/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): score(d) = Σ_lists 1/(k + rank),
 * rank starting at 1. It needs no score calibration between BM25 and cosine, which live on
 * unrelated scales, and k = 60 damps the head of each list so agreement beats one strong vote.
 *
 * Contract: pure. Each input list is best first; a duplicate id within one list counts at its
 * best rank only. Output is best first; ties go to the id with the better best rank, then by id.
 */
export type RankedId = { id: string };
export type FusedHit = { id: string; score: number };

export const RRF_K = 60;

export const reciprocalRankFusion = (
  lists: readonly (readonly RankedId[])[],
  k = RRF_K,
  limit = Infinity,
): FusedHit[] => {
  const scores = new Map<string, number>();
  const bestRank = new Map<string, number>();
  for (const list of lists) {
    const seen = new Set<string>();
    list.forEach(({ id }, index) => {
      if (seen.has(id)) return;
      seen.add(id);
      const rank = index + 1;
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + rank));
      bestRank.set(id, Math.min(bestRank.get(id) ?? Infinity, rank));
    });
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        (bestRank.get(a.id) ?? 0) - (bestRank.get(b.id) ?? 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .slice(0, limit);
};
