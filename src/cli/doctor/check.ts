/**
 * One finding of `xin doctor`. `fail` means xin cannot work as configured (the command exits 1);
 * `warn` means it works but degraded or at risk; `skip` means the check does not apply to this
 * configuration (no LLM configured, no channels). Every warn and fail carries the fix.
 */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";
export type Check = { name: string; status: CheckStatus; detail: string; fix: string | null };

export const ok = (name: string, detail: string): Check => ({ name, status: "ok", detail, fix: null });
export const skip = (name: string, detail: string): Check => ({ name, status: "skip", detail, fix: null });
export const warn = (name: string, detail: string, fix: string): Check => ({ name, status: "warn", detail, fix });
export const fail = (name: string, detail: string, fix: string): Check => ({ name, status: "fail", detail, fix });

export type DoctorReport = { ok: boolean; counts: Record<CheckStatus, number>; checks: Check[] };

export const summarize = (checks: Check[]): DoctorReport => {
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status] += 1;
  return { ok: counts.fail === 0, counts, checks };
};

const MARK: Record<CheckStatus, string> = { ok: "ok  ", warn: "WARN", fail: "FAIL", skip: "skip" };

/** The human report: one line per check, the fix indented under each warn or fail, a summary last. */
export const renderReport = (r: DoctorReport): string => {
  const width = Math.max(...r.checks.map((c) => c.name.length));
  const lines = r.checks.flatMap((c) => [
    `${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`,
    ...(c.fix ? [`      ${" ".repeat(width)}  fix: ${c.fix}`] : []),
  ]);
  const summary = `${r.counts.ok} ok, ${r.counts.warn} warning(s), ${r.counts.fail} failure(s)${r.counts.skip ? `, ${r.counts.skip} skipped` : ""}`;
  return [...lines, "", r.ok ? `${summary}: xin can run` : `${summary}: fix the failures above`].join("\n");
};

/** The message of an unknown error, for a detail line (never a stack). */
export const reason = (e: unknown): string => (e instanceof Error ? e.message.split("\n")[0] : String(e));
