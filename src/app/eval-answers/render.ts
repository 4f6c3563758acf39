import type { Counts, EvalReport, SetReport } from "./run";

const HEAD = ["set", "right", "escalated", "wrong", "missed-esc", "over-esc", "sent right"];

const row = (name: string, c: Counts): string[] => [
  name,
  `${c.right}/${c.answerable}`,
  `${c.escalated}/${c.must_escalate}`,
  String(c.wrong),
  String(c.missed_escalation),
  String(c.over_escalated),
  c.sent ? `${c.sent_right}/${c.sent}` : "-",
];

const align = (rows: string[][]): string => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")).join("\n");
};

/** One line per set (and overall when there are several): right of answerable, escalated of must-escalate, the misses. */
export const renderTable = (report: EvalReport): string =>
  align([HEAD, ...report.sets.map((s) => row(s.set, s.counts)), ...(report.sets.length > 1 ? [row("overall", report.overall)] : [])]);

const LABEL = { wrong: "WRONG", missed_escalation: "MISSED ESCALATION", over_escalated: "over-escalated" } as const;

/** Every question that is not right, worst first, with why. */
export const renderMisses = (set: SetReport): string[] => {
  const order = ["wrong", "missed_escalation", "over_escalated"] as const;
  return order.flatMap((v) => set.items.filter((i) => i.verdict === v).map((i) => `  ${LABEL[v]}  [${set.set}] "${i.q}": ${i.miss}`));
};

export const renderReport = (report: EvalReport, withMisses = true): string => {
  const misses = withMisses ? report.sets.flatMap(renderMisses) : [];
  return [renderTable(report), ...(misses.length ? ["", "misses:", ...misses] : [])].join("\n");
};
