import { createChatClient, createUsageMeter, type ChatClient, type EmbeddingsClient } from "../llm";
import {
  askQuestion,
  BUILT_IN_GUARDRAILS,
  loadCustomGuardrails,
  type AskResult,
  type Guardrail,
  type PipelineDeps,
  type RespondDeps,
  type Turn,
} from "../orchestrator";
import type { Logger, Service } from "../runtime";
import type { Config } from "../runtime/config";
import type { Metrics } from "../runtime/metrics";
import type { RetrievalBackend } from "../rag";
import type { Store } from "../runtime/db";
import { createEmbedder, createKnowledgeBackend, resolveBrand, searchKnowledge } from "./knowledge";

export type AnsweringMode = "llm" | "knowledge";

/** Which answering mode the config selects: `llm` with an `llm` section, else answers from the knowledge base alone. */
export const answeringMode = (config: Config): AnsweringMode => (config.llm ? "llm" : "knowledge");

/**
 * The answering engine of an instance: the chat client (metered per tenant into /metrics), the
 * guardrails (built-in, then the custom ones of `answer.guardrails_dir`, loaded by `service.start`),
 * and the respond-job settings. Building it opens nothing.
 */
export const createAnswering = (
  config: Config,
  deps: { backend: RetrievalBackend; embedder?: EmbeddingsClient | null; metrics?: Metrics; log: Logger },
) => {
  const m = deps.metrics;
  const meter = createUsageMeter({
    log: deps.log,
    onRecord: (r) => {
      if (!m) return;
      m.llmCalls.inc({ tenant: r.tenant_id, model: r.model, outcome: r.outcome });
      m.llmTokens.inc({ tenant: r.tenant_id, model: r.model, kind: r.kind, type: "prompt" }, r.prompt_tokens);
      m.llmTokens.inc({ tenant: r.tenant_id, model: r.model, kind: r.kind, type: "completion" }, r.completion_tokens);
      m.llmLatency.observe({ tenant: r.tenant_id }, r.latency_ms / 1000);
    },
  });
  const chat: ChatClient | null = config.llm ? createChatClient(config.llm, { meter, log: deps.log }) : null;
  let guardrails: readonly Guardrail[] = BUILT_IN_GUARDRAILS;
  const pipeline: PipelineDeps = {
    // Hybrid when an embeddings endpoint is configured (lexical-only if it fails), as `xin search` does.
    search: (r) => searchKnowledge(deps.backend, deps.embedder ?? null, r.scope, r.query, r.k, deps.log, r.revision),
    chat,
    get guardrails() {
      return guardrails;
    },
    config: config.answer,
    log: deps.log.child({ room: "orchestrator" }),
  };
  const respond: Pick<RespondDeps, "pipeline" | "quietWindowMs" | "historyTokens" | "onOutcome" | "limits"> = {
    pipeline,
    limits: {
      perContact: config.answer.contact_answers_per_minute,
      perTenantLlm: config.answer.tenant_llm_answers_per_minute,
    },
    quietWindowMs: config.answer.quiet_window_ms,
    historyTokens: config.answer.history_tokens,
    onOutcome: (tenant, o, seconds, committed) => {
      m?.answers.inc({ tenant, outcome: committed ? o.outcome : "dropped", reason: o.reason ?? "", mode: o.mode });
      m?.answerDuration.observe({ mode: o.mode }, seconds);
    },
  };
  const service: Service = {
    name: "orchestrator",
    start: async () => {
      const dir = config.answer.guardrails_dir;
      if (dir)
        guardrails = [
          ...BUILT_IN_GUARDRAILS,
          ...(await loadCustomGuardrails(
            dir,
            BUILT_IN_GUARDRAILS.map((g) => g.code),
          )),
        ];
      deps.log.info("answering ready", { mode: answeringMode(config), guardrails: guardrails.length });
    },
    stop: async () => {},
  };
  return { pipeline, respond, service, mode: answeringMode(config) };
};

/**
 * `xin ask` / `xin chat` without a running server: the same pipeline on the store the CLI opened,
 * with this process's config (LLM, guardrails folder). Nothing is stored or sent.
 */
export const askOnStore = async (
  store: Store,
  config: Config,
  log: Logger,
  brandRef: { brand: string; tenant?: string },
): Promise<(question: string, history: readonly Turn[]) => Promise<AskResult>> => {
  const brand = await resolveBrand(store.db, brandRef.brand, brandRef.tenant);
  const answering = createAnswering(config, {
    backend: createKnowledgeBackend(() => store.db, config),
    embedder: createEmbedder(config),
    log,
  });
  await answering.service.start();
  const scope = { tenant_id: brand.tenant_id, brand_id: brand.id };
  return (question, history) =>
    askQuestion({ db: () => store.db, pipeline: answering.pipeline }, scope, question, history);
};
