import type { InboundMessage, ParseResult } from "../channels";
import { acceptInOneStatement, acceptParsed, type ChannelRef } from "../inbox";
import { Batcher, currentTraceparent, errorText, withSpan, type Logger } from "../runtime";
import { transaction, type Db } from "../runtime/db";
import type { Wake } from "../runtime/queue";

/** `trace`: the submitting request's `traceparent` (tracing on): the jobs of its messages continue it. */
type Item = { channel: ChannelRef; parsed: ParseResult; trace: string | null };
type Counts = { inserted: number; duplicates: number };

/** Each message's request trace: a batch mixes requests, and each message's jobs belong to its own. */
const tracesOf = (items: Item[]): ReadonlyMap<InboundMessage, string> | undefined => {
  if (items.every((i) => !i.trace)) return undefined;
  const traces = new Map<InboundMessage, string>();
  for (const i of items) if (i.trace) for (const m of i.parsed.messages) traces.set(m, i.trace);
  return traces;
};

const merge = (items: Item[]): ParseResult => ({
  messages: items.flatMap((i) => i.parsed.messages),
  statuses: items.flatMap((i) => i.parsed.statuses),
  events: items.flatMap((i) => i.parsed.events),
  skipped: items.flatMap((i) => i.parsed.skipped),
});

/**
 * Group commit for webhooks: while one batch is being written, requests that arrive queue up,
 * and the next transaction persists all of them — set-based per channel — with one commit (one fsync)
 * for the lot. Each request is answered only after the transaction holding its events committed, so an
 * acknowledgement still means "durably stored". An idle gateway flushes a request at once (no added
 * latency). If a batch fails, its requests are retried one by one, so one bad request cannot fail others.
 * A batch is one statement per channel (`acceptInOneStatement`: the rows and the jobs in one round trip,
 * jobs started at once by this process's runner when it has free slots); a batch carrying events
 * (blocks, deletions) is one transaction (`acceptParsed`).
 */
export class GroupCommitter {
  private readonly batcher: Batcher<Item, Counts>;

  constructor(
    private readonly deps: { db: () => Db; wake: Wake; maxAttempts: number; log: Logger; maxBatch?: number },
  ) {
    this.batcher = new Batcher((items) => this.write(items), {
      maxBatch: deps.maxBatch ?? 500,
      onBatchError: async (items, error) => {
        if (items.length === 1) return [error instanceof Error ? error : new Error(String(error))];
        deps.log.warn("group commit failed, retrying requests one by one", {
          requests: items.length,
          err: errorText(error),
        });
        const outcomes: (Counts | Error)[] = [];
        for (const item of items)
          outcomes.push(
            await this.write([item]).then(
              ([o]) => o,
              (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
            ),
          );
        return outcomes;
      },
    });
  }

  submit(channel: ChannelRef, parsed: ParseResult): Promise<Counts> {
    return this.batcher.submit({ channel, parsed, trace: currentTraceparent() });
  }

  /** One transaction for the batch; per channel, one set-based write of everything its requests carried. */
  private write(batch: Item[]): Promise<Counts[]> {
    // The batch's span hangs under the first request it carries; the others' jobs keep their own trace.
    return withSpan(
      "webhook batch",
      { parent: batch[0]?.trace, attributes: { "xin.batch.requests": batch.length } },
      () => this.writeBatch(batch),
    );
  }

  private async writeBatch(batch: Item[]): Promise<Counts[]> {
    const byChannel = new Map<string, Item[]>();
    for (const p of batch) {
      const items = byChannel.get(p.channel.id);
      if (items) items.push(p);
      else byChannel.set(p.channel.id, [p]);
    }
    // Each channel's share in one statement, one round trip, its jobs started at once on this process's
    // runner when it has free slots (written running under its lease). Events (blocks, deletions) take
    // the transactional path.
    if (batch.every((p) => p.parsed.events.length === 0)) {
      const perChannel = new Map<string, Counts>();
      await Promise.all(
        [...byChannel].map(async ([id, items]) => {
          const outcome = await acceptInOneStatement(
            this.deps.db(),
            this.deps.wake,
            this.deps.maxAttempts,
            items[0].channel,
            merge(items),
            tracesOf(items),
          );
          perChannel.set(id, { inserted: outcome.inserted, duplicates: outcome.duplicates });
        }),
      );
      return batch.map((p) => perChannel.get(p.channel.id) ?? { inserted: 0, duplicates: 0 });
    }
    const perChannel = await transaction(this.deps.db(), async (tx) => {
      const results = new Map<string, Counts>();
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
