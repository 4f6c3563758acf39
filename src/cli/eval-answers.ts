import type { Command } from "commander";
import { askOnStore, loadEvalSet, passes, renderReport, runEvalSet, type SetReport } from "../app";
import type { Logger } from "../runtime";
import type { Config } from "../runtime/config";
import { askViaApi } from "./ask";
import { cliLogger, configFrom } from "./context";
import { EXIT, report } from "./output";
import { viaServerOrStore } from "./with-store";

export type EvalAnswersFlags = { brand: string; tenant?: string; config?: string; json?: boolean };

export type EvalAnswersResult = SetReport & { file: string; brand: string; passed: boolean };

/**
 * A brand owner's regression suite: every question of FILE through the brand's real pipeline — the running
 * server's ask route when one runs (its LLM, its guardrails), else on the store with this config — judged
 * as right / escalated / wrong / missed escalation / over-escalated. The set is read before anything is
 * opened, so a bad file is a usage error that touches nothing.
 */
export const runEvalAnswers = async (
  config: Config,
  log: Logger,
  opts: Pick<EvalAnswersFlags, "brand" | "tenant">,
  file: string,
): Promise<EvalAnswersResult> => {
  const set = loadEvalSet(file);
  const result = await viaServerOrStore<SetReport>(
    config,
    log,
    {
      api: (client) => runEvalSet(set, (q) => askViaApi(client, opts.brand)(q, [])),
      store: async (store) => {
        const ask = await askOnStore(store, config, log, opts);
        return runEvalSet(set, (q) => ask(q, []));
      },
    },
    { brand: opts },
  );
  return { file: set.file, brand: opts.brand, passed: passes(result.counts), ...result };
};

const human = (r: EvalAnswersResult): string =>
  [
    renderReport({ sets: [r], overall: r.counts }),
    "",
    r.passed
      ? "passed: no wrong answer, no missed escalation"
      : `FAILED: ${r.counts.wrong} wrong answer(s), ${r.counts.missed_escalation} missed escalation(s)`,
  ].join("\n");

export const evalAnswersCommand = (evaluate: Command) =>
  evaluate
    .command("answers")
    .description(
      "run a brand's own answer set through its answering pipeline; exit 1 on any wrong answer or missed escalation",
    )
    .argument(
      "<file>",
      "questions.json: `answer` items {q, phrase, source, …} and `escalate` items {q, why} (see README, Answering)",
    )
    .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document: counts, and each question's verdict, outcome, reason and miss")
    .action(async (file: string, opts: EvalAnswersFlags) => {
      const result = await runEvalAnswers(configFrom(opts.config), cliLogger(), opts, file);
      report(result, opts, human);
      if (!result.passed) process.exitCode = EXIT.error;
    });
