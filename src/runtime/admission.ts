/**
 * Lets background work yield to the requests a provider waits on. Webhooks must be acknowledged fast
 * whatever the load (a slow ack is retried, and retries add load); answering can catch up later, its
 * jobs are durable. One process does both on the same cores, so under overload the acks queued behind
 * answering. The gate keeps a limit on the background jobs running at once and adjusts it the way TCP
 * adjusts a congestion window (AIMD): when the acks of the last `tickMs` got slow (their p90 above
 * `targetMs`) the limit halves; when they are fast again it grows back by a sixteenth of `max` per tick.
 * It never drops below one, so background work always progresses. The limit is adjusted when a request
 * is observed or a job ends, and by a timer only while jobs wait (no request, no ending job: calm).
 *
 * Contract: `run(fn)` runs `fn` once a slot is free, in arrival order; a job aborted while it waits
 * rejects with the abort reason and takes no slot. `observe(ms)` is cheap (a push) and never throws.
 */
export type AdmissionOptions = {
  /** Jobs at most (the queue's own concurrency). */
  max: number;
  /** Ack latency the gate protects: a tick whose p90 is above it halves the limit. */
  targetMs?: number;
  tickMs?: number;
};

type Waiter = { admit: () => void; signal?: AbortSignal; onAbort?: () => void };

export class AdmissionGate {
  private limit: number;
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private samples: number[] = [];
  private tickStarted = performance.now();
  private retick: ReturnType<typeof setTimeout> | null = null;
  private readonly targetMs: number;
  private readonly tickMs: number;

  constructor(private readonly options: AdmissionOptions) {
    this.limit = options.max;
    this.targetMs = options.targetMs ?? 50;
    this.tickMs = options.tickMs ?? 100;
  }

  /** The current limit (for metrics and tests). */
  get allowed(): number {
    return this.limit;
  }

  /** A request the gate protects took `ms` to answer. */
  observe(ms: number): void {
    if (this.samples.length < 4096) this.samples.push(ms);
    this.maybeTick();
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.running -= 1;
      this.maybeTick();
      this.admitWaiting();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    this.maybeTick();
    if (this.running < this.limit && this.waiting.length === 0) {
      this.running += 1;
      return Promise.resolve();
    }
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { admit: resolve, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.waiting.push(waiter);
      this.scheduleRetick();
    });
  }

  private scheduleRetick(): void {
    if (this.retick || this.waiting.length === 0) return;
    this.retick = setTimeout(() => {
      this.retick = null;
      this.maybeTick();
      this.scheduleRetick();
    }, this.tickMs);
    this.retick.unref?.();
  }

  private admitWaiting(): void {
    while (this.running < this.limit && this.waiting.length > 0) {
      const next = this.waiting.shift() as Waiter;
      if (next.onAbort) next.signal?.removeEventListener("abort", next.onAbort);
      this.running += 1;
      next.admit();
    }
  }

  private maybeTick(): void {
    const now = performance.now();
    if (now - this.tickStarted < this.tickMs) return;
    this.tickStarted = now;
    const samples = this.samples;
    this.samples = [];
    if (samples.length > 0 && p90(samples) > this.targetMs) this.limit = Math.max(1, Math.floor(this.limit / 2));
    else this.limit = Math.min(this.options.max, this.limit + Math.max(1, Math.ceil(this.options.max / 16)));
    this.admitWaiting();
  }
}

const p90 = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))];
};
