import type { Counts, EvalReport, SetReport } from "./run";

const HEAD = ["set", "right", "by hand-off", "escalated", "wrong", "missed-esc", "over-esc", "sent right"];

const row = (name: string, c: Counts): string[] => [
  name,
  `${c.right}/${c.answerable}`,
  String(c.right_by_handoff),
  `${c.escalated}/${c.must_escalate}`,
  String(c.wrong),
  String(c.missed_escalation),
  String(c.over_escalated),
  c.sent ? `${c.sent_right}/${c.sent}` : "-",
];

const align = (rows: string[][]): string => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "))
    .join("\n");
};

/** Named totals over some of the sets (the bench's shared and own sets). */
export type Subtotal = { name: string; counts: Counts };

/** One line per set, then any subtotals and the overall line when there are several sets. */
export const renderTable = (report: EvalReport, subtotals: readonly Subtotal[] = []): string =>
  align([
    HEAD,
    ...report.sets.map((s) => row(s.set, s.counts)),
    ...subtotals.map((t) => row(t.name, t.counts)),
    ...(report.sets.length > 1 ? [row("overall", report.overall)] : []),
  ]);

const LABEL = { wrong: "WRONG", missed_escalation: "MISSED ESCALATION", over_escalated: "over-escalated" } as const;

/** Every question that is not right, worst first, with why. */
export const renderMisses = (set: SetReport): string[] => {
  const order = ["wrong", "missed_escalation", "over_escalated"] as const;
  return order.flatMap((v) =>
    set.items.filter((i) => i.verdict === v).map((i) => `  ${LABEL[v]}  [${set.set}] "${i.q}": ${i.miss}`),
  );
};

export const renderReport = (
  report: EvalReport,
  options: { misses?: boolean; subtotals?: readonly Subtotal[] } = {},
): string => {
  const misses = options.misses === false ? [] : report.sets.flatMap(renderMisses);
  return [renderTable(report, options.subtotals), ...(misses.length ? ["", "misses:", ...misses] : [])].join("\n");
};
