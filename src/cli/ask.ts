import type { Command } from "commander";
import { askOnStore, type AskResult, type Turn } from "../app";
import { usageError, type Logger } from "../runtime";
import type { Config } from "../runtime/config";
import type { ApiClient } from "./client";
import { cliLogger, configFrom } from "./context";
import { report } from "./output";
import { viaServerOrStore } from "./with-store";

export type AskFlags = { brand: string; brandName?: string; tenant?: string; config?: string; json?: boolean };

/** Asks through the server's API: the same pipeline, the server's config (its LLM, its guardrails). */
export const askViaApi = (client: ApiClient, brand: string) => (question: string, history: readonly Turn[]) =>
  client.request<AskResult>("POST", `/api/v1/brands/${encodeURIComponent(brand)}/ask`, { question, history }, 120_000);

/** Human rendering shared with `xin chat`: the reply (or the draft and why it was held back), sources, guardrails. */
export const renderAsk = (r: AskResult): string => {
  const head =
    r.outcome === "answer"
      ? `answer  (confidence ${r.confidence.toFixed(2)})`
      : `escalation: ${r.reason}  (confidence ${r.confidence.toFixed(2)}) — a human would answer; ${r.reply ? "draft:" : "no draft"}`;
  const sources = r.sources.length
    ? `sources     ${r.sources.map((s) => `${s.source} (${s.chunk_id})`).join(", ")}`
    : "sources     none";
  const checks = `guardrails  ${r.guardrails.map((g) => `${g.passed ? "✓" : "✗"} ${g.code}`).join("  ") || "none ran"}`;
  return [head, ...(r.reply ? ["", r.reply, ""] : [""]), sources, checks].join("\n");
};

/** One question, through the running server when there is one, else on the store. */
export const runAsk = (
  config: Config,
  log: Logger,
  opts: Pick<AskFlags, "brand" | "tenant">,
  question: string,
): Promise<AskResult> =>
  viaServerOrStore<AskResult>(
    config,
    log,
    {
      api: (client) => askViaApi(client, opts.brand)(question, []),
      store: async (store) => (await askOnStore(store, config, log, opts))(question, []),
    },
    { brand: opts },
  );

export const askCommand = (program: Command) =>
  program
    .command("ask")
    .description("run one question through the brand's answering pipeline (nothing is stored or sent)")
    .argument("<question>", "what a customer might ask")
    .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON object: outcome, reply, reason, confidence, sources, guardrails")
    .action(async (question: string, opts: AskFlags) => {
      if (!question.trim()) throw usageError("the question is empty");
      report(await runAsk(configFrom(opts.config), cliLogger(), opts, question), opts, renderAsk);
    });
