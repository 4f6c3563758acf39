/**
 * Reasoning models served locally (DeepSeek-R1, Qwen3 on Ollama/llama.cpp) often put their chain of
 * thought inline, as a leading `<think>…</think>` block in `content`. That text must never reach a
 * customer, so a leading block is removed; a `<think>` later in the answer is left alone (it is then
 * ordinary text, and guardrails see it).
 */
const OPEN = "<think>";
const CLOSE = "</think>";

export const stripThinking = (text: string): string => {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith(OPEN)) return text;
  const end = trimmed.indexOf(CLOSE);
  return end === -1 ? "" : trimmed.slice(end + CLOSE.length).trimStart();
};

/**
 * The streaming form of `stripThinking`: feed deltas in order, emit what `push` returns, then
 * `flush()` once at the end. Holds back at most a few characters while a tag may be split across
 * deltas.
 */
export class ThinkFilter {
  private state: "start" | "inside" | "after" | "pass" = "start";
  private buffer = "";

  push(delta: string): string {
    if (this.state === "pass") return delta;
    this.buffer += delta;
    if (this.state === "start") {
      const trimmed = this.buffer.trimStart();
      if (trimmed.length < OPEN.length && OPEN.startsWith(trimmed)) return "";
      if (!trimmed.startsWith(OPEN)) return this.release("pass");
      this.state = "inside";
      this.buffer = trimmed.slice(OPEN.length);
    }
    if (this.state === "inside") {
      const end = this.buffer.indexOf(CLOSE);
      if (end === -1) {
        this.buffer = this.buffer.slice(-(CLOSE.length - 1));
        return "";
      }
      this.state = "after";
      this.buffer = this.buffer.slice(end + CLOSE.length);
    }
    // "after": drop the whitespace between the block and the answer.
    this.buffer = this.buffer.trimStart();
    return this.buffer.length === 0 ? "" : this.release("pass");
  }

  /** Text still held back when the stream ends (an unterminated think block yields nothing). */
  flush(): string {
    return this.state === "start" ? this.release("pass") : "";
  }

  private release(next: "pass"): string {
    const out = this.buffer;
    this.buffer = "";
    this.state = next;
    return out;
  }
}
