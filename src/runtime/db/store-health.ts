import type { Sql } from "postgres";
import { isStoreUnreachable } from "../errors";
import type { Logger } from "../log";

export type StoreHealthOptions = {
  /** Probe period while the store answers; a failure is noticed within this much time. */
  upIntervalMs?: number;
  /** Probe period while it does not: recovery is noticed within this much time of the server being back. */
  downIntervalMs?: number;
  /** A probe slower than this, three times in a row, counts as an outage (a hung server or network). */
  timeoutMs?: number;
};

/**
 * Whether the store answers, known without asking it on the request path: a loop probes `select 1` on
 * a connection of its own (never queued behind a busy or stalled pool) — slowly while the store is up,
 * fast while it is down. The gateway reads `isUp` to answer webhooks and /readyz with a 503 at once
 * during an outage instead of waiting on a connect timeout; the provider retries them. Starts nothing
 * until `start()`; `stop()` ends the loop and its connection.
 */
export class StoreHealth {
  private up = true;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private slow = 0;
  private readonly o: Required<StoreHealthOptions>;

  constructor(
    private readonly probeSql: Sql,
    private readonly log: Logger,
    options: StoreHealthOptions = {},
  ) {
    this.o = { upIntervalMs: 500, downIntervalMs: 100, timeoutMs: 1_000, ...options };
  }

  get isUp(): boolean {
    return this.up;
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.o.upIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.probeSql.end({ timeout: 1 }).catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.probe(), ms);
    this.timer.unref?.();
  }

  private async probe(): Promise<void> {
    this.timer = null;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      this.probeSql`select 1`.then(
        () => "ok" as const,
        (e: unknown) => (isStoreUnreachable(e) ? ("refused" as const) : ("ok" as const)),
      ),
      new Promise<"slow">((resolve) => (timeout = setTimeout(() => resolve("slow"), this.o.timeoutMs))),
    ]);
    clearTimeout(timeout);
    if (this.stopped) return;
    // A refused connection is an outage at once; slowness only when it lasts (SLOW_PROBES in a row):
    // an overloaded machine answers late, and refusing its webhooks would only add the providers' retries.
    this.slow = outcome === "slow" ? this.slow + 1 : 0;
    const ok = outcome === "ok" || (outcome === "slow" && this.slow < SLOW_PROBES);
    if (ok !== this.up) {
      this.up = ok;
      if (ok) this.log.info("store reachable again", { room: "store" });
      else this.log.error("store unreachable", { room: "store", cause: outcome });
    }
    this.schedule(ok ? this.o.upIntervalMs : this.o.downIntervalMs);
  }
}

const SLOW_PROBES = 3;
