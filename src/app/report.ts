import type { Sql } from "postgres";
import { brandActivity, gapQuestions, type BrandActivity, type GapQuestion } from "../inbox";
import { analyzerFor, queryTerms } from "../rag";
import { XinError } from "../runtime";
import type { Config } from "../runtime/config";
import type { BrandRef } from "./knowledge";

export type Period = { since: Date; until: Date };

const DAY_MS = 86_400_000;

/**
 * `--since`/`--until` as users type them: a span back from now (`7d`, `24h`, `4w`) or a date or time
 * (`2026-11-01`, ISO 8601). Defaults: the last 7 days, up to now.
 */
export const parsePeriod = (since: string | undefined, until: string | undefined, now = new Date()): Period => {
  const at = (value: string, key: string): Date => {
    const span = /^(\d{1,4})([hdw])$/.exec(value.trim());
    if (span)
      return new Date(
        now.getTime() - Number(span[1]) * { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[span[2] as "h" | "d" | "w"],
      );
    const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
    const year = date.getUTCFullYear();
    if (Number.isNaN(date.getTime()) || year < 2000 || year > 9999)
      throw new XinError(
        "report.invalid_period",
        `${key} ${JSON.stringify(value)}: give a span back from now (7d, 24h, 4w) or a date (2026-11-01)`,
        { status: 400, data: { field: key } },
      );
    return date;
  };
  const period = {
    since: since ? at(since, "since") : new Date(now.getTime() - 7 * DAY_MS),
    until: until ? at(until, "until") : now,
  };
  if (period.since >= period.until)
    throw new XinError("report.invalid_period", "since must be before until", {
      status: 400,
      data: { field: "since" },
    });
  return period;
};

export type BrandReport = {
  brand: { id: string; name: string; tenant_id: string };
  period: { since: string; until: string };
  /** Share of the period's conversations the assistant answered without a hand-over (0–1; null: none). */
  resolved_share: number | null;
  /** At the configured model's `report.llm_prices`; null when no price is set for it. */
  llm_cost_estimate: { model: string; amount: number } | null;
} & BrandActivity;

const estimate = (config: Config, tokens: BrandActivity["llm_tokens"]): BrandReport["llm_cost_estimate"] => {
  const model = config.llm?.model;
  const price = model ? config.report.llm_prices[model] : undefined;
  if (!model || !price) return null;
  const amount = (tokens.prompt * price.input_per_million + tokens.completion * price.output_per_million) / 1_000_000;
  return { model, amount: Math.round(amount * 10_000) / 10_000 };
};

export type ReportDeps = { sql: Sql; config: Config };

const scopeOf = (brand: BrandRef, period: Period) => ({
  tenant_id: brand.tenant_id,
  brand_id: brand.id,
  since: period.since,
  until: period.until,
});

/** `xin report` and `GET /api/v1/brands/:brand/report`: a brand's conversations, hand-overs and costs over a period. */
export const readBrandReport = async (deps: ReportDeps, brand: BrandRef, period: Period): Promise<BrandReport> => {
  const activity = await brandActivity(deps.sql, scopeOf(brand, period));
  return {
    brand: { id: brand.id, name: brand.name, tenant_id: brand.tenant_id },
    period: { since: period.since.toISOString(), until: period.until.toISOString() },
    resolved_share: activity.conversations
      ? Math.round((activity.resolved_by_assistant / activity.conversations) * 1000) / 1000
      : null,
    llm_cost_estimate: estimate(deps.config, activity.llm_tokens),
    ...activity,
  };
};

export type GapGroup = {
  /** The newest question of the group, as the customer wrote it. */
  question: string;
  count: number;
  reasons: Record<string, number>;
  last_at: string;
  /** Up to three other wordings, newest first. */
  examples: string[];
};

/** Two questions ask the same when most of the shorter one's content words are in the other. */
const SAME_QUESTION = 0.6;

const overlap = (a: Set<string>, b: Set<string>): number => {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared += 1;
  return shared / Math.min(a.size, b.size);
};

/**
 * Groups gap questions by their content words (the query analyzer's terms: stemmed, filler and
 * question words dropped), newest first: each question joins the first group whose first question it
 * overlaps enough, else starts one. Lexical only — questions worded with no word in common stay apart.
 */
export const groupGaps = (questions: GapQuestion[], language: string): GapGroup[] => {
  const analyzer = analyzerFor(language);
  const groups: (GapGroup & { terms: Set<string> })[] = [];
  for (const q of [...questions].sort((a, b) => b.at.getTime() - a.at.getTime())) {
    const terms = new Set(queryTerms(analyzer, q.text));
    const group = groups.find((g) => overlap(g.terms, terms) >= SAME_QUESTION);
    if (!group) {
      groups.push({
        question: q.text,
        count: 1,
        reasons: { [q.reason]: 1 },
        last_at: q.at.toISOString(),
        examples: [],
        terms,
      });
      continue;
    }
    group.count += 1;
    group.reasons[q.reason] = (group.reasons[q.reason] ?? 0) + 1;
    if (group.examples.length < 3 && q.text !== group.question && !group.examples.includes(q.text))
      group.examples.push(q.text);
  }
  return groups.map(({ terms: _terms, ...g }) => g);
};

/** At most this many gap escalations are read per report: enough to group, bounded on a busy brand. */
const GAP_ROWS = 2000;

/** `xin report gaps` and `GET /api/v1/brands/:brand/report/gaps`: what customers asked that the knowledge could not answer. */
export const readKnowledgeGaps = async (deps: ReportDeps, brand: BrandRef, period: Period, limit: number) => {
  const questions = await gapQuestions(deps.sql, scopeOf(brand, period), GAP_ROWS);
  return {
    brand: { id: brand.id, name: brand.name, tenant_id: brand.tenant_id },
    period: { since: period.since.toISOString(), until: period.until.toISOString() },
    questions: questions.length,
    groups: groupGaps(questions, brand.language).slice(0, limit),
  };
};

export type KnowledgeGaps = Awaited<ReturnType<typeof readKnowledgeGaps>>;
