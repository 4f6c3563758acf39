/**
 * The deadline and cancellation of one call (`chat`, one `stream`, one embeddings batch).
 *
 * xin owns its timeouts instead of the SDK's: one AbortSignal per call aborts whatever attempt or
 * backoff sleep is in flight, whether the budget ran out (`timedOut`) or the caller's own signal fired
 * (`cancelled`). Knowing which one fired is what lets errors say `llm.timeout` vs `llm.cancelled`.
 * Streams re-arm the timer on every chunk (`rearm`), turning the budget into an idle timeout.
 * `dispose()` must be called when the call ends: it clears the timer and the listener on the caller's
 * signal (long-lived signals would otherwise collect listeners), and aborts the scope's own signal so a
 * response still open (a stream the consumer stopped reading) is released.
 */
export class CallScope {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private deadline = 0;
  private firedBy: "timeout" | "caller" | undefined;
  private readonly onCallerAbort = () => this.abort("caller");

  constructor(
    private readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    if (callerSignal?.aborted) this.abort("caller");
    else callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
    this.rearm();
  }

  get timedOut(): boolean {
    return this.firedBy === "timeout";
  }

  get cancelled(): boolean {
    return this.firedBy === "caller";
  }

  /** Milliseconds left before the deadline (0 once aborted). */
  remainingMs(): number {
    return this.firedBy ? 0 : Math.max(0, this.deadline - Date.now());
  }

  /** Restarts the full budget from now (streams: time allowed until the next chunk). */
  rearm(ms: number = this.timeoutMs): void {
    if (this.firedBy) return;
    clearTimeout(this.timer);
    this.deadline = Date.now() + ms;
    this.timer = setTimeout(() => this.abort("timeout"), ms);
  }

  /** Stops the clock (a stream waiting on its consumer is not the provider being slow); `rearm` restarts it. */
  pause(): void {
    if (this.firedBy) return;
    clearTimeout(this.timer);
    this.deadline = Number.POSITIVE_INFINITY;
  }

  /** Resolves after `ms`, or rejects as soon as the scope aborts. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.signal.aborted) return reject(this.signal.reason);
      const done = () => {
        this.signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(this.signal.reason);
      };
      this.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
    if (!this.signal.aborted) this.controller.abort(new DOMException("call finished", "AbortError"));
  }

  private abort(by: "timeout" | "caller"): void {
    if (this.firedBy) return;
    this.firedBy = by;
    clearTimeout(this.timer);
    this.controller.abort(
      new DOMException(by === "timeout" ? "deadline exceeded" : "cancelled by caller", "AbortError"),
    );
  }
}
