import { eq } from "drizzle-orm";
import type { Sql } from "postgres";
import type { ParseResult } from "../channels";
import { acceptParsed, noteIgnored } from "../inbox";
import { errorText, isXinError, type Logger, type Service } from "../runtime";
import { keepDeadLetter, permanentRefusal, schema, transaction, type Db, type TxContext } from "../runtime/db";
import type { Metrics } from "../runtime/metrics";
import type { Wake } from "../runtime/queue";
import { bindChannel, type ChannelRow, listChannelRows, providerContext } from "../tenancy";
import { PollHealthBoard, type PollHealth } from "./poll-health";

/** A wait that a stop cuts short (a 5-minute backoff must not hold a shutdown). */
const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

export type PollDeps = {
  db: () => Db;
  session: () => Sql;
  instanceKey: string;
  wake: Wake;
  maxAttempts: number;
  log: Logger;
  metrics?: Metrics;
  refreshMs?: number;
};

/**
 * Long polling for channels whose adapter polls and whose credentials say `mode = "polling"` (servers
 * without public HTTPS). Each update is stored through the same path as a webhook, and the channel's
 * offset is saved in that same transaction, so a restart neither repeats nor skips an update. One
 * poller per channel across instances: each holds a Postgres advisory lock for the channel it polls.
 * An update that can never be stored (malformed, or refused by the store for good) would hold every
 * later update of the bot behind it: it is dead-lettered with the offset advanced past it, as the
 * webhook gateway acknowledges such a payload.
 */
export const pollingService = (deps: PollDeps): Service & { health(): PollHealth[] } => {
  const loops = new Map<string, AbortController>();
  const running = new Set<Promise<void>>();
  const board = new PollHealthBoard();
  const report = (row: ChannelRow, up: boolean) =>
    deps.metrics?.channelPollingUp.set({ provider: row.provider, channel_id: row.id }, up ? 1 : 0);
  let session: Sql | null = null;
  let timer: Timer | null = null;
  let stopped = false;

  const pollOne = async (row: ChannelRow, abort: AbortController) => {
    const bound = bindChannel(row, deps.instanceKey);
    const { adapter, binding } = bound;
    const log = deps.log.child({ channel: row.provider, channel_id: row.id });
    while (!abort.signal.aborted) {
      try {
        const [fresh] = await deps
          .db()
          .select({ poll_offset: schema.channels.poll_offset })
          .from(schema.channels)
          .where(eq(schema.channels.id, row.id));
        const ctx = providerContext(row, bound, { signal: abort.signal, timeoutMs: 120_000 });
        for await (const update of adapter.poll!(ctx, { offset: Number(fresh?.poll_offset ?? 0) })) {
          board.ok(row.id, row.provider);
          report(row, true);
          const saveOffset = (tx: TxContext) =>
            tx.tx
              .update(schema.channels)
              .set({ poll_offset: String(update.nextOffset) })
              .where(eq(schema.channels.id, row.id));
          let reason: string | null = null;
          let parsed: ParseResult | null = null;
          try {
            parsed = adapter.parse(update.body, binding);
            noteIgnored(deps.metrics, log, row.provider, parsed.skipped);
          } catch (e) {
            if (!isXinError(e) || e.code !== "webhook.payload_invalid") throw e;
            reason = e.code;
          }
          if (parsed) {
            const accepted = parsed;
            try {
              await transaction(deps.db(), async (tx) => {
                await acceptParsed(tx, deps.wake, deps.maxAttempts, row, accepted);
                await saveOffset(tx);
              });
            } catch (e) {
              // Only a refusal the data causes; a store outage is retried from the same offset below.
              reason = permanentRefusal(e);
              if (!reason) throw e;
            }
          }
          if (reason) {
            const letter = {
              tenant_id: row.tenant_id,
              channel_id: row.id,
              provider: row.provider,
              reason,
              body: update.body,
            };
            const added = await transaction(deps.db(), async (tx) => {
              const kept = await keepDeadLetter(tx.tx, letter);
              await saveOffset(tx);
              return kept;
            });
            if (added) deps.metrics?.webhookDeadLetters.inc({ provider: row.provider });
            log.error("polled update dead-lettered", {
              tenant_id: row.tenant_id,
              err_code: reason,
              bytes: update.body.length,
            });
          }
        }
        // A long poll that ended without updates is a good poll too.
        board.ok(row.id, row.provider);
        report(row, true);
      } catch (e) {
        if (abort.signal.aborted) return;
        const retryMs = board.failed(row.id, row.provider, errorText(e));
        report(row, false);
        log.warn("polling failed, retrying", {
          err: errorText(e),
          failures: board.list().find((h) => h.channel_id === row.id)?.failures,
          retrying_in_ms: retryMs,
        });
        await abortableSleep(retryMs, abort.signal);
      }
    }
  };

  const refresh = async () => {
    if (stopped) return;
    try {
      session ??= deps.session();
      const rows = (await listChannelRows(deps.db())).filter((r) => r.enabled);
      for (const row of rows) {
        if (loops.has(row.id)) continue;
        const { adapter, binding } = bindChannel(row, deps.instanceKey);
        if (!adapter.poll || binding.credentials.mode !== "polling") continue;
        const [lock] = await session`select pg_try_advisory_lock(hashtext(${`poll:${row.id}`})) as ok`;
        if (!lock?.ok) continue;
        const abort = new AbortController();
        loops.set(row.id, abort);
        const loop = pollOne(row, abort).finally(() => {
          loops.delete(row.id);
          board.forget(row.id);
          running.delete(loop);
        });
        running.add(loop);
        deps.log.info("polling started", { channel_id: row.id });
      }
    } catch (e) {
      deps.log.warn("polling refresh failed", { err: errorText(e) });
    }
  };

  return {
    name: "polling",
    health: () => board.list(),
    start: async () => {
      await refresh();
      timer = setInterval(() => void refresh(), deps.refreshMs ?? 30_000);
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const abort of loops.values()) abort.abort();
      await Promise.all(running); // each loop ends at once on abort: its poll and its backoff wait are both cut short
      await session?.end({ timeout: 2 }).catch(() => {});
      session = null;
    },
  };
};
