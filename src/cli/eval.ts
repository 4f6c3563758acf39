import type { Command } from "commander";
import { evalRetrievalBeir } from "../app";
import { cliLogger } from "./context";
import { evalAnswersCommand } from "./eval-answers";
import { report, table } from "./output";

export const evalCommand = (program: Command) => {
  const evaluate = program.command("eval").description("measure xin's quality on public benchmarks");
  evaluate
    .command("retrieval")
    .description("retrieval quality on a BEIR dataset, in a throwaway embedded store (no instance needed)")
    .requiredOption("--beir <dir>", "a BEIR dataset folder: corpus.jsonl[.gz], queries.jsonl, qrels/test.tsv")
    .option("--json", "print one JSON document")
    .action(async (opts: { beir: string; json?: boolean }) => {
      const r = await evalRetrievalBeir(opts.beir, cliLogger());
      report(r, opts, () =>
        table([
          ["nDCG@10", r.ndcg_at_10.toFixed(4)],
          ["Recall@100", r.recall_at_100.toFixed(4)],
          ["MRR@10", r.mrr_at_10.toFixed(4)],
          ["documents", r.documents],
          ["queries", r.queries],
          ["ingest", `${r.ingest_seconds.toFixed(1)} s`],
          ["query p50 / p95", `${r.query_p50_ms.toFixed(1)} / ${r.query_p95_ms.toFixed(1)} ms`],
        ]),
      );
    });
  evalAnswersCommand(evaluate);
  return evaluate;
};
