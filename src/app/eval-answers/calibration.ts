import type { ItemResult } from "./run";

/** Replies sent with a confidence in [from, to), and how many were right. */
export type ConfidenceBucket = { from: number; to: number; sent: number; right: number };

const EDGES = [0, 0.45, 0.6, 0.7, 0.8, 0.9, 1.0001];

/**
 * What confidence means on a set: the replies actually sent, grouped by their confidence. A threshold is
 * worth its name when the buckets above it hold right answers only (issue 12: "confidence must mean
 * something"). Escalations carry no verdict on the reply, so they are left out.
 */
export const calibration = (items: readonly ItemResult[]): ConfidenceBucket[] =>
  EDGES.slice(0, -1)
    .map((from, i) => {
      const to = EDGES[i + 1];
      const sent = items.filter((x) => x.outcome === "answer" && x.confidence >= from && x.confidence < to);
      return { from, to: Math.min(to, 1), sent: sent.length, right: sent.filter((x) => x.verdict === "right").length };
    })
    .filter((b) => b.sent > 0);

export const renderCalibration = (buckets: readonly ConfidenceBucket[]): string =>
  `replies sent by confidence: ${buckets.map((b) => `[${b.from.toFixed(2)}, ${b.to.toFixed(2)}${b.to === 1 ? "]" : ")"} ${b.right}/${b.sent} right`).join(" · ") || "none"}`;
