import type { Sql } from "postgres";

type Pending = { id: number; token: string; resolve: () => void; reject: (e: unknown) => void };

/**
 * Group commit for job completions: while one UPDATE is in flight, completions queue up and the next
 * UPDATE marks them all done at once. Each row still matches only its own lease token, so a worker that
 * lost its lease completes nothing. At low load a completion is flushed at once (no added latency).
 */
export class Completer {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(private readonly sql: Sql) {}

  complete(id: number, token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ id, token, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush() {
    this.flushing = true;
    while (this.pending.length) {
      const batch = this.pending.splice(0, 500);
      try {
        await this.sql`
          update jobs set state = 'done', finished_at = now(), lease_token = null, locked_until = null
          from unnest(${batch.map((p) => p.id)}::bigint[], ${batch.map((p) => p.token)}::text[]) as t(id, token)
          where jobs.id = t.id and jobs.lease_token = t.token`;
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.flushing = false;
  }
}
