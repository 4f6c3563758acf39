/**
 * Embeddings through any OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM, TEI).
 */
import type OpenAI from "openai";
import type { Logger } from "../runtime";
import { CallScope } from "./call-scope";
import { toLlmError } from "./classify";
import type { EmbeddingsConfig } from "./config";
import { LlmError } from "./errors";
import { listModels } from "./sdk";
import { withRetries, type RetryPolicy } from "./retry";
import type { EmbedOptions } from "./types";
import { UNATTRIBUTED_TENANT, type UsageMeter } from "./usage";
import { embeddingsWire, estimateTokens, invalidResponse, parseWire } from "./wire";

/**
 * What the rag room embeds with.
 *
 * Contract of `embed`:
 * - returns exactly one vector per input, in input order (providers may answer out of order; `index`
 *   is honoured), as `Float32Array`s of one length: `dimensions` when configured, else the length the
 *   first answer had. A later answer of another length is `llm.invalid_response`: mixing sizes would
 *   poison the index (a model changed behind our back needs a re-embed, not a silent mix).
 * - sends `batch_size` texts per request, one request at a time (parallel batches only earn 429s);
 *   each batch is retried and bounded by `timeout_ms` on its own, so a long ingest is not one deadline.
 * - an empty list returns `[]` without a request; an empty or blank text is `llm.rejected` before any
 *   request (providers reject it, and it has no meaning to retrieve by).
 * - errors are `LlmError`s (errors.ts); vectors already computed for earlier batches are lost with the
 *   call, so callers batch their own work at the size they can afford to redo.
 * Safe for concurrent calls.
 */
export type EmbeddingsClient = {
  readonly model: string;
  /** Vector length: configured, or learned from the first answer; undefined until then. */
  readonly dimensions: number | undefined;
  embed(texts: readonly string[], opts?: EmbedOptions): Promise<Float32Array[]>;
  /** The ids the endpoint serves (one attempt, for status and config checks; not metered). */
  models(opts?: { signal?: AbortSignal }): Promise<string[]>;
};

export type EmbeddingsDeps = {
  sdk: OpenAI;
  config: EmbeddingsConfig;
  policy: RetryPolicy;
  meter: UsageMeter;
  log: Logger;
};

const rejectBlank = (texts: readonly string[]): void => {
  const blank = texts.findIndex((t) => t.trim().length === 0);
  if (blank === -1) return;
  throw new LlmError("llm.rejected", `embeddings input ${blank} is empty`, { retryable: false, attempts: 0 });
};

export const createEmbeddingsClientWith = (deps: EmbeddingsDeps): EmbeddingsClient => {
  const { config } = deps;
  let dimensions = config.dimensions;

  const toVectors = (raw: unknown, count: number): { vectors: Float32Array[]; promptTokens?: number } => {
    const parsed = parseWire(embeddingsWire, raw, "embeddings", "embeddings list");
    if (parsed.data.length !== count)
      throw invalidResponse("embeddings", `${parsed.data.length} vectors for ${count} inputs`);
    const ordered: (Float32Array | undefined)[] = new Array(count);
    parsed.data.forEach((item, position) => {
      const index = item.index ?? position;
      if (index >= count || ordered[index])
        throw invalidResponse("embeddings", `vector index ${index} repeated or out of range`);
      if (!item.embedding.every(Number.isFinite))
        throw invalidResponse("embeddings", `vector ${index} has non-finite values`);
      ordered[index] = Float32Array.from(item.embedding);
    });
    // Every slot is filled: as many items as inputs, each index in range and none repeated.
    const vectors = ordered as Float32Array[];
    const expected = dimensions ?? vectors[0]?.length;
    const wrong = vectors.find((v) => v.length !== expected || v.length === 0);
    if (wrong) throw invalidResponse("embeddings", `vector of ${wrong.length} dimensions, expected ${expected}`);
    dimensions = expected;
    return { vectors, promptTokens: parsed.usage?.prompt_tokens };
  };

  const embedBatch = async (batch: readonly string[], opts: EmbedOptions): Promise<Float32Array[]> => {
    const startedAt = Date.now();
    const scope = new CallScope(config.timeout_ms, opts.signal);
    const record = (outcome: string, attempts: number, promptTokens: number) =>
      deps.meter.record({
        tenant_id: opts.tenantId ?? UNATTRIBUTED_TENANT,
        model: config.model,
        kind: "embeddings",
        outcome,
        prompt_tokens: promptTokens,
        completion_tokens: 0,
        latency_ms: Date.now() - startedAt,
        attempts,
      });
    try {
      const { value, attempts } = await withRetries(
        async (signal) => {
          const raw: unknown = await deps.sdk.embeddings.create(
            {
              model: config.model,
              input: [...batch],
              // Floats, not the SDK's default base64: several local servers do not implement base64.
              encoding_format: "float",
              ...(config.dimensions !== undefined ? { dimensions: config.dimensions } : {}),
            },
            { signal },
          );
          return toVectors(raw, batch.length);
        },
        { scope, policy: deps.policy, service: "embeddings", log: deps.log },
      );
      record("ok", attempts, value.promptTokens ?? batch.reduce((n, t) => n + estimateTokens(t), 0));
      return value.vectors;
    } catch (thrown) {
      const error = toLlmError(thrown, scope, "embeddings", 1);
      record(error.code, error.attempts ?? 1, 0);
      throw error;
    } finally {
      scope.dispose();
    }
  };

  return {
    model: config.model,
    get dimensions() {
      return dimensions;
    },
    async embed(texts, opts = {}) {
      rejectBlank(texts);
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += config.batch_size) {
        out.push(...(await embedBatch(texts.slice(start, start + config.batch_size), opts)));
      }
      return out;
    },
    models: (opts) => listModels(deps.sdk, config.timeout_ms, "embeddings", opts?.signal),
  };
};
