import type { AskResult } from "../../orchestrator";
import type { EvalSet } from "./eval-set";
import { judgeAnswer, judgeEscalate, type Verdict } from "./judge";

/** Asks one question the way the brand's customers would reach it (in memory, on the store, or over the API). */
export type Ask = (question: string) => Promise<AskResult>;

export type ItemResult = {
  kind: "answer" | "escalate";
  q: string;
  verdict: Verdict;
  /** Why it is not right (null when it is). */
  miss: string | null;
  outcome: AskResult["outcome"];
  /** The escalation's reason code, null for an answer. */
  reason: string | null;
  confidence: number;
};

export type Counts = {
  /** Answerable questions answered right (with `or_escalate`, a hand-off counts too). */
  right: number;
  /** Of `right`, the `or_escalate` items that were escalated (a hand-off the set accepts). */
  right_by_handoff: number;
  /** Must-escalate questions that were escalated. */
  escalated: number;
  wrong: number;
  missed_escalation: number;
  over_escalated: number;
  answerable: number;
  must_escalate: number;
  /** Replies sent, and how many of them were right: what the confidence threshold let through. */
  sent: number;
  sent_right: number;
};

export type SetReport = { set: string; counts: Counts; items: ItemResult[] };
export type EvalReport = { sets: SetReport[]; overall: Counts };

export const emptyCounts = (): Counts => ({
  right: 0,
  right_by_handoff: 0,
  escalated: 0,
  wrong: 0,
  missed_escalation: 0,
  over_escalated: 0,
  answerable: 0,
  must_escalate: 0,
  sent: 0,
  sent_right: 0,
});

export const addCounts = (a: Counts, b: Counts): Counts => {
  const out = emptyCounts();
  for (const k of Object.keys(out) as (keyof Counts)[]) out[k] = a[k] + b[k];
  return out;
};

const countsOf = (items: readonly ItemResult[]): Counts => {
  const c = emptyCounts();
  for (const i of items) {
    c[i.verdict] += 1;
    if (i.verdict === "right" && i.outcome === "escalation") c.right_by_handoff += 1;
    c[i.kind === "answer" ? "answerable" : "must_escalate"] += 1;
    if (i.outcome === "answer") {
      c.sent += 1;
      if (i.verdict === "right") c.sent_right += 1;
    }
  }
  return c;
};

/**
 * Every question of `set` through `ask`, one at a time (answers must not depend on each other's
 * timing), each judged against what the set expects.
 */
export const runEvalSet = async (set: Pick<EvalSet, "name" | "answer" | "escalate">, ask: Ask): Promise<SetReport> => {
  const items: ItemResult[] = [];
  const record = (kind: ItemResult["kind"], q: string, r: AskResult, j: { verdict: Verdict; reason: string | null }) =>
    items.push({
      kind,
      q,
      verdict: j.verdict,
      miss: j.reason,
      outcome: r.outcome,
      reason: r.outcome === "answer" ? null : r.reason,
      confidence: r.confidence,
    });
  for (const item of set.answer) {
    const r = await ask(item.q);
    record("answer", item.q, r, judgeAnswer(item, r));
  }
  for (const item of set.escalate) {
    const r = await ask(item.q);
    record("escalate", item.q, r, judgeEscalate(item, r));
  }
  return { set: set.name, counts: countsOf(items), items };
};

export const combineReports = (sets: SetReport[]): EvalReport => ({
  sets,
  overall: sets.reduce((acc, s) => addCounts(acc, s.counts), emptyCounts()),
});

/** The owner's gate: no wrong answer and no missed escalation. */
export const passes = (c: Counts): boolean => c.wrong === 0 && c.missed_escalation === 0;
