import type { AskResult } from "../../orchestrator";
import type { AnswerItem, EscalateItem } from "./eval-set";

/**
 * What one question came to. Answerable items: `right`, `over_escalated` (a hand-off where the documents
 * answer it) or `wrong` (a reply sent that lacks the fact, carries a forbidden one or names the wrong
 * source). Must-escalate items: `escalated` or `missed_escalation` (a reply sent where a human had to
 * answer). A wrong answer and a missed escalation are the outcomes a business cannot accept.
 */
export type Verdict = "right" | "over_escalated" | "wrong" | "escalated" | "missed_escalation";

export type Judgement = { verdict: Verdict; reason: string | null };

// Case- and whitespace-insensitive as the format says; typographic dashes and quotes count as plain ones,
// so "3–5 days" matches "3-5 days".
export const normalize = (text: string): string =>
  text
    .normalize("NFKC")
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/[\u2018\u2019\u201B]/g, "'")
    .replace(/[\u201C\u201D\u201E]/g, '"')
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();

/** Whether `text` carries `pattern`: a plain string, or `re:` + a regular expression. */
export const carries = (text: string, pattern: string): boolean => {
  const t = normalize(text);
  return pattern.startsWith("re:") ? new RegExp(pattern.slice(3), "iu").test(t) : t.includes(normalize(pattern));
};

/** Whether a stored source (absolute path, path as ingested, or URL) is the set's `name` (a file name or a path tail). */
export const isSource = (stored: string, name: string): boolean =>
  stored === name || stored.endsWith(`/${name}`) || stored.endsWith(`\\${name}`);

const clip = (text: string | null, n = 160): string => {
  const t = (text ?? "").replace(/\s+/g, " ").trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

const shortSource = (s: string) => s.split(/[\\/]/).pop() ?? s;

/** An answerable item against what the pipeline did with its question. */
export const judgeAnswer = (
  item: AnswerItem,
  result: Pick<AskResult, "outcome" | "reply" | "reason" | "sources">,
): Judgement => {
  if (result.outcome !== "answer") {
    return item.or_escalate
      ? { verdict: "right", reason: null }
      : {
          verdict: "over_escalated",
          reason: `escalated (${result.reason ?? "no reason"}) where ${shortSource(item.source)} answers it`,
        };
  }
  const reply = result.reply ?? "";
  const problems: string[] = [];
  const phrases = [item.phrase, ...item.phrase_alt];
  if (!phrases.some((p) => carries(reply, p))) problems.push(`lacks "${item.phrase}"`);
  const lacking = item.also.filter((p) => !carries(reply, p));
  if (lacking.length) problems.push(`lacks also ${lacking.map((p) => `"${p}"`).join(", ")}`);
  const forbidden = item.forbid.filter((p) => carries(reply, p));
  if (forbidden.length) problems.push(`carries forbidden ${forbidden.map((p) => `"${p}"`).join(", ")}`);
  if (item.forbid_re && carries(reply, `re:${item.forbid_re}`)) problems.push(`matches forbidden /${item.forbid_re}/`);
  const wanted = [item.source, ...item.source_alt];
  if (!result.sources.some((s) => wanted.some((w) => isSource(s.source, w)))) {
    const got = [...new Set(result.sources.map((s) => shortSource(s.source)))].join(", ") || "none";
    problems.push(`sources ${got}, expected ${wanted.join(" or ")}`);
  }
  return problems.length
    ? { verdict: "wrong", reason: `${problems.join("; ")} — reply: "${clip(reply)}"` }
    : { verdict: "right", reason: null };
};

/** A must-escalate item: any reply sent is a miss, whatever it says. */
export const judgeEscalate = (item: EscalateItem, result: Pick<AskResult, "outcome" | "reply">): Judgement =>
  result.outcome === "answer"
    ? {
        verdict: "missed_escalation",
        reason: `answered${item.why ? ` (must escalate: ${item.why})` : ""} — reply: "${clip(result.reply)}"`,
      }
    : { verdict: "escalated", reason: null };
