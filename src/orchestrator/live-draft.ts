import { LlmError, type ChatClient, type ChatMessage, type ChatOptions, type ChatResult } from "../llm";
import { PieceCutter } from "./piece-cutter";
import type { PrefixJudge } from "./prefix-checks";

/**
 * Where a draft is shown while it is written (the web widget). Both calls are best effort: they never
 * throw, and a lost piece only means the customer sees the text when the reply is stored.
 */
export type DraftSink = {
  /** Shows `text` after the pieces released before it. */
  release(text: string): Promise<void>;
  /** Takes back everything released: this draft will not be sent as shown. A no-op when nothing was. */
  retract(): Promise<void>;
};

/**
 * Writes the draft with the model's streaming API and shows it as it grows: each complete sentence
 * (PieceCutter) goes to `sink` only after `judge` passed the text shown so far plus that sentence.
 * The first piece held back ends the live text for this draft — later sentences cannot be shown
 * without it — and the rest is read only for the finished draft. With `judge` null nothing is shown.
 *
 * Resolves with the same `ChatResult` as `ChatClient.chat`; what happens to the shown text is the
 * caller's (it stores the reply, or retracts). Throws as `chat` does (LlmError, abort), after
 * retracting anything shown: a draft whose generation failed is never left on screen.
 */
export const streamDraft = async (
  chat: ChatClient,
  messages: readonly ChatMessage[],
  opts: ChatOptions,
  sink: DraftSink,
  judge: PrefixJudge | null,
): Promise<ChatResult> => {
  const cutter = new PieceCutter();
  let shown = "";
  let open = judge !== null;
  try {
    for await (const event of chat.stream(messages, opts)) {
      if (event.type === "end") return event.result;
      if (!open || !judge) continue;
      for (const piece of cutter.push(event.text)) {
        if ((await judge(shown, piece)) !== null) {
          open = false;
          break;
        }
        shown += piece;
        await sink.release(piece);
      }
    }
  } catch (e) {
    await sink.retract();
    throw e;
  }
  // The stream contract ends every successful iteration with `end`; this is a broken server.
  await sink.retract();
  throw new LlmError("llm.provider_error", "LLM stream ended without its result", { retryable: true });
};
