/**
 * `stream`: the same completion as `chat`, delivered as text deltas (the web widget shows the answer
 * as it is written), then one `end` event carrying the full `ChatResult`.
 *
 * Contract:
 * - `llm.timeout_ms` bounds the wait for the first chunk and each gap between chunks (an idle timeout),
 *   not the whole answer: a long answer that keeps flowing is never cut. Time spent waiting for the
 *   consumer to pull the next event does not count.
 * - Retries happen only before the first text was yielded (a failed attempt's partial output was never
 *   shown). After that a failure ends the iteration with the mapped `LlmError`; the consumer decides
 *   what to do with the partial text it has.
 * - Usage comes from the final usage chunk (`stream_options.include_usage`); servers that send none
 *   get an estimate, flagged `usage_source: "estimate"`.
 * - Stopping early (`break`) releases the HTTP stream and records the call as `llm.cancelled`.
 */
import type { CallScope as Scope } from "./call-scope";
import { CallScope } from "./call-scope";
import { chatBody, recordFailure, recordSuccess, resolveUsage, type ChatDeps } from "./chat";
import { toLlmError } from "./classify";
import { LlmError } from "./errors";
import { withRetries } from "./retry";
import { ThinkFilter } from "./think";
import type { ChatMessage, ChatOptions, ChatResult, StreamEvent } from "./types";
import { chatChunkWire, estimateTokens, parseWire, type WireUsage } from "./wire";

type StreamState = {
  filter: ThinkFilter;
  raw: string;
  text: string;
  model?: string;
  finish?: string;
  usage: WireUsage;
};

type Opened = { chunks: AsyncIterator<unknown>; state: StreamState; first: string; done: boolean };

/** Folds one chunk into the state and returns the visible text it adds. */
const absorb = (state: StreamState, chunk: unknown): string => {
  const parsed = parseWire(chatChunkWire, chunk, "LLM", "stream chunk");
  state.model = parsed.model ?? state.model;
  if (parsed.usage) state.usage = parsed.usage;
  const choice = parsed.choices[0];
  if (choice?.finish_reason) state.finish = choice.finish_reason;
  const delta = choice?.delta?.content ?? "";
  state.raw += delta;
  const visible = state.filter.push(delta);
  state.text += visible;
  return visible;
};

/**
 * The SDK ends a stream's iteration quietly when its signal aborts, so a timeout would look like a
 * normal end; and a connection cut before the last chunk looks the same. Both are turned into errors.
 */
const checkNext = (scope: Scope, next: IteratorResult<unknown>, state: StreamState): void => {
  if (scope.signal.aborted) throw scope.signal.reason;
  if (next.done && state.finish === undefined) {
    throw new LlmError("llm.provider_error", "LLM stream ended before its last chunk", { retryable: true });
  }
};

/** One attempt: open the stream and read until the first visible text (or the end). */
const open = async (
  deps: ChatDeps,
  body: ReturnType<typeof chatBody>,
  scope: Scope,
  signal: AbortSignal,
): Promise<Opened> => {
  const state: StreamState = { filter: new ThinkFilter(), raw: "", text: "", usage: undefined };
  const stream = await deps.sdk.chat.completions.create(
    { ...body, stream: true, stream_options: { include_usage: true } },
    { signal },
  );
  const chunks: AsyncIterator<unknown> = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await chunks.next();
    checkNext(scope, next, state);
    scope.rearm();
    if (next.done) return { chunks, state, first: "", done: true };
    const first = absorb(state, next.value);
    if (first) return { chunks, state, first, done: false };
  }
};

export async function* stream(
  deps: ChatDeps,
  messages: readonly ChatMessage[],
  opts: ChatOptions = {},
): AsyncGenerator<StreamEvent> {
  const startedAt = Date.now();
  const scope = new CallScope(deps.config.timeout_ms, opts.signal);
  const body = chatBody(deps.config, messages, opts);
  let state: StreamState | undefined;
  let settled = false;
  let attemptsMade = 1;
  let firstTokenMs: number | undefined;
  // Yields with the idle clock stopped: a slow consumer is not a slow provider.
  const emit = (text: string): StreamEvent => {
    firstTokenMs ??= Date.now() - startedAt;
    scope.pause();
    return { type: "delta", text };
  };
  try {
    const { value: opened, attempts } = await withRetries((signal) => open(deps, body, scope, signal), {
      scope,
      policy: deps.policy,
      service: "LLM",
      log: deps.log,
    });
    state = opened.state;
    attemptsMade = attempts;
    if (opened.first) {
      yield emit(opened.first);
      scope.rearm();
    }
    for (let done = opened.done; !done;) {
      const next = await opened.chunks.next();
      checkNext(scope, next, state);
      scope.rearm();
      done = next.done === true;
      const text = done ? "" : absorb(state, next.value);
      if (text) {
        yield emit(text);
        scope.rearm();
      }
    }
    // An answer shorter than "<think>" that looks like its start ("<th") was held back until now.
    const tail = state.filter.flush();
    if (tail) {
      state.text += tail;
      yield emit(tail);
    }
    const result: ChatResult = {
      text: state.text,
      ...resolveUsage(state.usage, messages, state.raw),
      finish_reason: state.finish ?? "unknown",
      latency_ms: Date.now() - startedAt,
      model: state.model ?? body.model,
      attempts,
    };
    settled = true;
    recordSuccess(deps, "stream", opts, result);
    yield { type: "end", result: { ...result, first_token_ms: firstTokenMs ?? result.latency_ms } };
  } catch (thrown) {
    settled = true;
    const error = toLlmError(thrown, scope, "LLM", attemptsMade);
    recordFailure(deps, "stream", opts, error, startedAt, partialUsage(messages, state));
    throw error;
  } finally {
    if (!settled) {
      const cancelled = new LlmError("llm.cancelled", "LLM stream stopped by its consumer", { retryable: false });
      recordFailure(deps, "stream", opts, cancelled, startedAt, partialUsage(messages, state));
    }
    scope.dispose();
  }
}

/** Tokens already generated when a stream fails or is abandoned: providers bill them too. */
const partialUsage = (messages: readonly ChatMessage[], state: StreamState | undefined) =>
  state ? resolveUsage(undefined, messages, state.raw).usage : undefined;
