import type { Sql } from "postgres";
import type { Logger } from "../log";
import type { HandOffTaker } from "./types";

export const WAKE_CHANNEL = "xin_jobs";

/**
 * Wakes idle workers when jobs are enqueued: in-process through `notify()` (called after COMMIT) and
 * across processes through LISTEN/NOTIFY (enqueue issues `pg_notify` inside its transaction, which
 * Postgres delivers only on commit). A missed signal costs at most one poll interval.
 */
export class Wake {
  private waiters = new Set<() => void>();
  private unlisten: (() => Promise<void>) | null = null;
  private readonly takers = new Set<HandOffTaker>();

  /** Runners of this process announce themselves here so that enqueue can hand jobs to them directly. */
  attach(taker: HandOffTaker): void {
    this.takers.add(taker);
  }

  detach(taker: HandOffTaker): void {
    this.takers.delete(taker);
  }

  /** A runner that kept a slot for a job of `kind`, or null: the job is queued for whoever claims it. */
  reserveFor(kind: string): HandOffTaker | null {
    for (const t of this.takers) if (t.tryReserve(kind)) return t;
    return null;
  }

  /** Up to `max` slots kept on one runner for jobs of `kind` (a batch written in one statement), or null. */
  reserveSlots(kind: string, max: number): { taker: HandOffTaker; slots: number } | null {
    for (const t of this.takers) {
      let slots = 0;
      while (slots < max && t.tryReserve(kind)) slots += 1;
      if (slots) return { taker: t, slots };
    }
    return null;
  }

  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }

  /** Resolves on the next signal or after `ms`, whichever comes first. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  async listen(sql: Sql, log: Logger): Promise<void> {
    try {
      const sub = await sql.listen(WAKE_CHANNEL, () => this.notify());
      this.unlisten = () => sub.unlisten();
    } catch (e) {
      log.warn("queue listen failed, polling only", { err: (e as Error).message });
    }
  }

  async close(): Promise<void> {
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    this.notify();
  }
}
