/**
 * `chat`: one plain-text completion, retried and bounded by `llm.timeout_ms` (see retry.ts), with the
 * answer's usage recorded in the meter whether it succeeds or fails.
 */
import type { Logger } from "../runtime";
import type OpenAI from "openai";
import { CallScope } from "./call-scope";
import { toLlmError } from "./classify";
import type { LlmConfig } from "./config";
import type { LlmError } from "./errors";
import { withRetries, type RetryPolicy } from "./retry";
import { stripThinking } from "./think";
import type { ChatMessage, ChatOptions, ChatResult, TokenUsage } from "./types";
import { UNATTRIBUTED_TENANT, type UsageKind, type UsageMeter } from "./usage";
import { chatCompletionWire, estimateTokens, parseWire, type WireUsage } from "./wire";

/** What chat and stream share: built once per client. */
export type ChatDeps = {
  sdk: OpenAI;
  config: LlmConfig;
  policy: RetryPolicy;
  meter: UsageMeter;
  log: Logger;
};

/** The request body both calls send; only standard, widely implemented parameters. */
export const chatBody = (config: LlmConfig, messages: readonly ChatMessage[], opts: ChatOptions) => {
  const temperature = opts.temperature ?? config.temperature;
  return {
    model: opts.model ?? config.model,
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    // `max_tokens`, not `max_completion_tokens`: the one every OpenAI-compatible server understands.
    max_tokens: opts.maxTokens ?? config.max_tokens,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(opts.stop && opts.stop.length > 0 ? { stop: opts.stop } : {}),
  };
};

/** Provider token counts when reported, else an estimate from the text (flagged as such). */
export const resolveUsage = (
  wire: WireUsage,
  messages: readonly ChatMessage[],
  completion: string,
): { usage: TokenUsage; usage_source: ChatResult["usage_source"] } => {
  if (wire?.prompt_tokens !== undefined && wire.completion_tokens !== undefined) {
    return {
      usage: { prompt_tokens: wire.prompt_tokens, completion_tokens: wire.completion_tokens },
      usage_source: "provider",
    };
  }
  const prompt = messages.reduce((n, m) => n + estimateTokens(m.content), 0);
  return { usage: { prompt_tokens: prompt, completion_tokens: estimateTokens(completion) }, usage_source: "estimate" };
};

export const recordSuccess = (deps: ChatDeps, kind: UsageKind, opts: ChatOptions, result: ChatResult): void =>
  deps.meter.record({
    tenant_id: opts.tenantId ?? UNATTRIBUTED_TENANT,
    model: result.model,
    kind,
    outcome: "ok",
    prompt_tokens: result.usage.prompt_tokens,
    completion_tokens: result.usage.completion_tokens,
    latency_ms: result.latency_ms,
    attempts: result.attempts,
  });

export const recordFailure = (
  deps: ChatDeps,
  kind: UsageKind,
  opts: ChatOptions,
  error: LlmError,
  startedAt: number,
  usage?: TokenUsage,
): void =>
  deps.meter.record({
    tenant_id: opts.tenantId ?? UNATTRIBUTED_TENANT,
    model: opts.model ?? deps.config.model,
    kind,
    outcome: error.code,
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    latency_ms: Date.now() - startedAt,
    attempts: error.attempts ?? 1,
  });

export const chat = async (
  deps: ChatDeps,
  messages: readonly ChatMessage[],
  opts: ChatOptions = {},
): Promise<ChatResult> => {
  const startedAt = Date.now();
  const scope = new CallScope(deps.config.timeout_ms, opts.signal);
  const body = chatBody(deps.config, messages, opts);
  try {
    const { value, attempts } = await withRetries(
      async (signal) => {
        const raw: unknown = await deps.sdk.chat.completions.create({ ...body, stream: false }, { signal });
        // Parsed inside the attempt so a malformed body is classified like any other failure.
        return parseWire(chatCompletionWire, raw, "LLM", "chat completion");
      },
      { scope, policy: deps.policy, service: "LLM", log: deps.log },
    );
    const choice = value.choices[0];
    const content = choice.message.content ?? "";
    const result: ChatResult = {
      text: stripThinking(content),
      ...resolveUsage(value.usage, messages, content),
      finish_reason: choice.finish_reason ?? "unknown",
      latency_ms: Date.now() - startedAt,
      model: value.model ?? body.model,
      attempts,
    };
    recordSuccess(deps, "chat", opts, result);
    return result;
  } catch (thrown) {
    const error = toLlmError(thrown, scope, "LLM", 1);
    recordFailure(deps, "chat", opts, error, startedAt);
    throw error;
  } finally {
    scope.dispose();
  }
};
