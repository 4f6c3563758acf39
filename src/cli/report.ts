import type { Command } from "commander";
import {
  parsePeriod,
  readBrandReport,
  readKnowledgeGaps,
  resolveBrand,
  type BrandReport,
  type KnowledgeGaps,
} from "../app";
import { usageError } from "../runtime";
import { cliLogger, configFrom } from "./context";
import { report, table } from "./output";
import { viaServerOrStore, type BrandFlags } from "./with-store";

type Flags = BrandFlags & { config?: string; since?: string; until?: string; json?: boolean };

const seconds = (s: number | null): string => {
  if (s === null) return "–";
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(0)} min`;
  return `${(s / 3600).toFixed(1)} h`;
};
const durations = (d: BrandReport["reply_time"]) =>
  d.count
    ? `median ${seconds(d.p50_seconds)}, 90 % within ${seconds(d.p90_seconds)} (${d.count})`
    : "none in the period";
const counts = (byKey: Record<string, number>) =>
  Object.entries(byKey)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "none";
const day = (iso: string) => iso.slice(0, 16).replace("T", " ");

const humanReport = (r: BrandReport): string =>
  [
    `${r.brand.name}: ${day(r.period.since)} → ${day(r.period.until)} (UTC)`,
    table([
      ["conversations", r.conversations],
      ["messages", `${r.messages_in} from customers, ${r.messages_out} sent`],
      [
        "resolved by the assistant",
        r.resolved_share === null ? "–" : `${r.resolved_by_assistant} (${Math.round(r.resolved_share * 100)} %)`,
      ],
      ["handed over", `${r.handed_over}: ${counts(r.handovers_by_reason)}`],
      ["assistant's reply time", durations(r.reply_time)],
      ["agent claim time", durations(r.claim_time)],
      ["resolution time", durations(r.resolution_time)],
      ["delivery failures", counts(r.delivery_failures_by_error)],
      [
        "LLM tokens",
        `${r.llm_tokens.prompt} prompt + ${r.llm_tokens.completion} completion in ${r.llm_tokens.answers} answers`,
      ],
      [
        "LLM cost",
        r.llm_cost_estimate
          ? `≈ ${r.llm_cost_estimate.amount} at ${r.llm_cost_estimate.model}'s report.llm_prices`
          : "no estimate: set report.llm_prices for the chat model",
      ],
    ]),
  ].join("\n");

const humanGaps = (g: KnowledgeGaps): string =>
  g.groups.length === 0
    ? `${g.brand.name}: no question went unanswered for lack of knowledge between ${day(g.period.since)} and ${day(g.period.until)} (UTC)`
    : [
        `${g.brand.name}: ${g.questions} question(s) the knowledge could not answer, ${day(g.period.since)} → ${day(g.period.until)} (UTC), newest first — what to add next:`,
        ...g.groups.map((group) =>
          [
            `  ${String(group.count).padStart(3)}×  "${group.question}"  (last ${day(group.last_at)}; ${counts(group.reasons)})`,
            ...group.examples.map((e) => `         also: "${e}"`),
          ].join("\n"),
        ),
      ].join("\n");

const common = (command: Command) =>
  command
    .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--since <when>", "a span back from now (7d, 24h, 4w) or a date (2026-11-01)", "7d")
    .option("--until <when>", "a date or time (default: now)")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document");

const periodQuery = (flags: Flags, extra: Record<string, string> = {}) => {
  const q = new URLSearchParams(extra);
  if (flags.since) q.set("since", flags.since);
  if (flags.until) q.set("until", flags.until);
  return q.size ? `?${q}` : "";
};

export const reportCommand = (program: Command) => {
  const command = common(
    program
      .command("report")
      .description(
        "how the assistant did for a brand: conversations, hand-overs by reason, reply and agent times, delivery failures, LLM cost",
      ),
  );
  command.action(async (flags: Flags) => {
    const config = configFrom(flags.config);
    parsePeriod(flags.since, flags.until); // a bad period is named before anything is opened
    const result = await viaServerOrStore(
      config,
      cliLogger(),
      {
        api: (client) =>
          client.get<BrandReport>(
            `/api/v1/brands/${encodeURIComponent(flags.brand ?? "")}/report${periodQuery(flags)}`,
          ),
        store: async (store) =>
          readBrandReport(
            { sql: store.sql, config },
            await resolveBrand(store.db, flags.brand, flags.tenant),
            parsePeriod(flags.since, flags.until),
          ),
      },
      { brand: flags },
    );
    report(result, flags, humanReport);
  });
  common(
    command
      .command("gaps")
      .description(
        "questions the knowledge could not answer, grouped by similarity, newest first: what documents to add next",
      ),
  )
    .option("--limit <n>", "groups shown", "20")
    // `report` takes the same flags: commander gives those it parsed to the parent, so read both.
    .action(async (_own: unknown, sub: Command) => {
      const flags = sub.optsWithGlobals<Flags & { limit: string }>();
      const config = configFrom(flags.config);
      parsePeriod(flags.since, flags.until);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw usageError(`--limit ${flags.limit}: give a whole number from 1 to 200`);
      const result = await viaServerOrStore(
        config,
        cliLogger(),
        {
          api: (client) =>
            client.get<KnowledgeGaps>(
              `/api/v1/brands/${encodeURIComponent(flags.brand ?? "")}/report/gaps${periodQuery(flags, { limit: String(limit) })}`,
            ),
          store: async (store) =>
            readKnowledgeGaps(
              { sql: store.sql, config },
              await resolveBrand(store.db, flags.brand, flags.tenant),
              parsePeriod(flags.since, flags.until),
              limit,
            ),
        },
        { brand: flags },
      );
      report(result, flags, humanGaps);
    });
  return command;
};
