import type { Sql } from "postgres";
import { Batcher } from "../batcher";

type Completion = { id: number; token: string };

/**
 * Group commit for job completions: while one UPDATE is in flight, completions queue up and the next
 * UPDATE marks them all done at once. Each row still matches only its own lease token, so a worker that
 * lost its lease completes nothing. At low load a completion is flushed at once (no added latency).
 */
export class Completer {
  private readonly batcher: Batcher<Completion, void>;

  constructor(sql: Sql) {
    this.batcher = new Batcher<Completion, void>(
      async (batch) => {
        await sql`
          update jobs set state = 'done', finished_at = now(), lease_token = null, locked_until = null
          from unnest(${batch.map((p) => p.id)}::bigint[], ${batch.map((p) => p.token)}::text[]) as t(id, token)
          where jobs.id = t.id and jobs.lease_token = t.token`;
        return batch.map((): void => undefined);
      },
      { maxBatch: 500 },
    );
  }

  complete(id: number, token: string): Promise<void> {
    return this.batcher.submit({ id, token });
  }
}
