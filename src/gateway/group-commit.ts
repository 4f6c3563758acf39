import type { ParseResult } from "../channels";
import { acceptParsed, type ChannelRef } from "../inbox";
import { errorText, type Logger } from "../runtime";
import { transaction, type Db } from "../runtime/db";
import type { Wake } from "../runtime/queue";

type Pending = { channel: ChannelRef; parsed: ParseResult; resolve: (n: { inserted: number; duplicates: number }) => void; reject: (e: unknown) => void };

const merge = (items: Pending[]): ParseResult => ({
  messages: items.flatMap((i) => i.parsed.messages),
  statuses: items.flatMap((i) => i.parsed.statuses),
  events: items.flatMap((i) => i.parsed.events),
  skipped: items.flatMap((i) => i.parsed.skipped),
});

/**
 * Group commit for webhooks: while one transaction is being written, requests that arrive queue up,
 * and the next transaction persists all of them — set-based per channel — with one commit (one fsync)
 * for the lot. Each request is answered only after the transaction holding its events committed, so an
 * acknowledgement still means "durably stored". An idle gateway flushes a request at once (no added
 * latency). If a batch fails, its requests are retried one by one, so one bad request cannot fail others.
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(private readonly deps: { db: () => Db; wake: Wake; maxAttempts: number; log: Logger; maxBatch?: number }) {}

  submit(channel: ChannelRef, parsed: ParseResult): Promise<{ inserted: number; duplicates: number }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ channel, parsed, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush() {
    this.flushing = true;
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.deps.maxBatch ?? 500);
      try {
        const outcomes = await this.write(batch);
        batch.forEach((p, i) => p.resolve(outcomes[i]));
      } catch (e) {
        if (batch.length === 1) batch[0].reject(e);
        else {
          this.deps.log.warn("group commit failed, retrying requests one by one", { requests: batch.length, err: errorText(e) });
          for (const p of batch) await this.write([p]).then(([o]) => p.resolve(o), p.reject);
        }
      }
    }
    this.flushing = false;
  }

  /** One transaction for the batch; per channel, one set-based write of everything its requests carried. */
  private async write(batch: Pending[]): Promise<{ inserted: number; duplicates: number }[]> {
    const byChannel = new Map<string, Pending[]>();
    for (const p of batch) byChannel.set(p.channel.id, [...(byChannel.get(p.channel.id) ?? []), p]);
    const perChannel = await transaction(this.deps.db(), async (tx) => {
      const results = new Map<string, { inserted: number; duplicates: number }>();
      for (const [id, items] of [...byChannel].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const outcome = await acceptParsed(tx, this.deps.wake, this.deps.maxAttempts, items[0].channel, merge(items));
        results.set(id, { inserted: outcome.inserted, duplicates: outcome.duplicates });
      }
      return results;
    });
    // Counts are per channel batch: good enough for logs, which is all they are used for.
    return batch.map((p) => perChannel.get(p.channel.id) ?? { inserted: 0, duplicates: 0 });
  }
}
