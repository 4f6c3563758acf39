/**
 * Group commit in general: while one batch is being written, new items queue; the next write takes
 * them all (up to `maxBatch`). An item's promise settles with its own result once its batch is written.
 * An idle batcher writes an item at once, so low load pays no latency. `write` returns one result per
 * item, in order; if it throws, `onBatchError` decides (default: every item of the batch rejects).
 */
export class Batcher<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly options: {
      maxBatch: number;
      onBatchError?: (items: T[], error: unknown) => Promise<(R | Error)[]>;
    },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush() {
    this.flushing = true;
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      const items = batch.map((b) => b.item);
      try {
        const results = await this.write(items);
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (e) {
        if (!this.options.onBatchError) {
          for (const b of batch) b.reject(e);
          continue;
        }
        const outcomes = await this.options
          .onBatchError(items, e)
          .catch((err: unknown) => batch.map(() => err as Error));
        batch.forEach((b, i) => (outcomes[i] instanceof Error ? b.reject(outcomes[i]) : b.resolve(outcomes[i] as R)));
      }
    }
    this.flushing = false;
  }
}
