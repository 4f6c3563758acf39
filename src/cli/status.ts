import type { Command } from "commander";
import { readStatus, type InstanceStatus } from "../app";
import { cliLogger, configFrom } from "./context";
import { report, table } from "./output";
import { viaServerOrStore } from "./with-store";

const human = (s: InstanceStatus): string => {
  const q = s.queue.by_state;
  return [
    `xin ${s.instance.version} — instance ${s.instance.name} (${s.instance.id ?? "not initialised"})`,
    table([
      ["server", s.server.running ? `running (pid ${s.server.pid}, up ${s.server.uptime_seconds}s)` : "not running"],
      [
        "store",
        `${s.store.kind}, migrations ${s.store.migrations.applied}/${s.store.migrations.known} applied${s.store.migrations.pending.length ? `, ${s.store.migrations.pending.length} pending` : ""}`,
      ],
      [
        "retrieval",
        `${s.retrieval.backend}, ${s.retrieval.mode === "hybrid" ? `hybrid: BM25 + ${s.retrieval.embeddings_model} embeddings` : "lexical-only (BM25): no embeddings endpoint configured"}`,
      ],
      ["queue", `${q.queued ?? 0} queued, ${q.running ?? 0} running, ${q.done ?? 0} done, ${q.dead ?? 0} dead`],
      [
        "answering",
        s.answering
          ? s.answering.mode === "llm"
            ? `LLM (${s.answering.model})`
            : "knowledge base only (no LLM configured)"
          : "unknown",
      ],
      ["tenants", s.tenants.map((t) => t.name).join(", ") || "none"],
      ["conversations", s.counts.conversations],
      ["messages", `${s.counts.messages_in} in, ${s.counts.messages_out} out`],
      ["escalations", `${s.counts.escalations_open} open`],
      ["data dir", s.instance.data_dir],
      ...(s.polling ?? []).map((h): [string, string] => [
        `polling ${h.channel_id}`,
        h.state === "polling"
          ? `${h.provider}: ok since ${h.since}`
          : `${h.provider}: FAILING ${h.failures}× since ${h.since}: ${h.last_error}; next try in ${Math.round((h.retry_in_ms ?? 0) / 1000)} s`,
      ]),
    ]),
  ].join("\n");
};

export const statusCommand = (program: Command) =>
  program
    .command("status")
    .description("show the instance: store, migrations, queue depth, tenants and counts")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action(async (opts: { config?: string; json?: boolean }) => {
      const config = configFrom(opts.config);
      const status = await viaServerOrStore(config, cliLogger(), {
        api: (client) => client.get<InstanceStatus>("/api/v1/status"),
        store: (store) => readStatus(store, config, { running: false, pid: null, uptime_seconds: null }),
      });
      report(status, opts, human);
    });
