import {
  answerTurn,
  BUILT_IN_GUARDRAILS,
  parsePolicies,
  toAskResult,
  type BrandProfile,
  type Guardrail,
  type PipelineDeps,
} from "../../orchestrator";
import type { ChatClient } from "../../llm";
import { analyzerFor, MemoryBackend, runIngest, type IngestSummary } from "../../rag";
import { silentLogger, XinError } from "../../runtime";
import { answerConfigSchema, type AnswerConfig } from "../../runtime/config";
import type { EvalSet } from "./eval-set";
import type { Ask } from "./run";

export type MemoryBrandOptions = {
  /** null: knowledge-base mode (no LLM). */
  chat: ChatClient | null;
  /** Production defaults unless given (the `answer` section's top_k and min_confidence). */
  config?: Partial<Pick<AnswerConfig, "top_k" | "min_confidence">>;
  guardrails?: readonly Guardrail[];
};

export type MemoryBrand = { ask: Ask; ingest: IngestSummary; brand: BrandProfile };

/**
 * A throwaway brand holding the set's docs/, built the way `xin ingest` builds one (the same runIngest,
 * parsers and chunker, into the in-process backend instead of Postgres), and an `ask` that runs a
 * question through the real answering pipeline (retrieval, guardrails, confidence) as `xin ask` does.
 * Nothing is stored; a set of a few hundred questions runs in seconds.
 */
export const memoryBrand = async (
  set: Pick<EvalSet, "name" | "docsDir" | "brand">,
  options: MemoryBrandOptions,
): Promise<MemoryBrand> => {
  if (!set.docsDir)
    throw new XinError("eval.set_invalid", `set ${set.name} has no docs/ folder beside its questions.json`, {
      exitCode: 2,
    });
  const scope = { tenant_id: "ten_eval", brand_id: `brd_${set.name}` };
  const backend = new MemoryBackend(() => analyzerFor(set.brand.language));
  const ingest = await runIngest({ backend, scope, inputs: [set.docsDir] });
  if (ingest.failed.length) {
    const f = ingest.failed[0];
    throw new XinError("eval.docs_invalid", `set ${set.name}: ${f.source} could not be ingested: ${f.reason}`, {
      exitCode: 2,
    });
  }
  const brand: BrandProfile = {
    id: scope.brand_id,
    tenant_id: scope.tenant_id,
    name: set.brand.name,
    persona: { name: set.brand.name, tone: "friendly", language: set.brand.language, directives: [] },
    policies: parsePolicies(set.brand.policies),
  };
  const defaults = answerConfigSchema.parse({});
  const deps: PipelineDeps = {
    search: (r) => backend.search(r),
    chat: options.chat,
    guardrails: options.guardrails ?? BUILT_IN_GUARDRAILS,
    config: {
      top_k: options.config?.top_k ?? defaults.top_k,
      min_confidence: options.config?.min_confidence ?? defaults.min_confidence,
    },
    log: silentLogger,
  };
  return {
    ask: async (question) => toAskResult(await answerTurn(deps, { brand, question, history: [] })),
    ingest,
    brand,
  };
};
