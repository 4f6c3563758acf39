import { Batcher } from "../batcher";
import { bindTrace } from "../telemetry";
import { transaction, type Db, type TxContext } from "./client";

type Work = (ctx: TxContext) => Promise<unknown>;

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/**
 * Group commit for small transactions that do not depend on each other (one answer's reply, one
 * delivery's sent mark): while one shared transaction is written, new work queues; the next transaction
 * runs all of it concurrently — their statements travel pipelined on its connection — and commits once.
 * Each caller's promise settles with its own result after that COMMIT (its afterCommit hooks too). If
 * the shared transaction fails, every piece of work is run again alone, so one failure (a lost lease,
 * a conflict) cannot fail the others. Work must lock only its own rows; an idle group runs work at once.
 */
export class GroupTransaction {
  private readonly batcher: Batcher<Work, unknown>;

  constructor(db: () => Db, maxBatch = 32) {
    this.batcher = new Batcher<Work, unknown>(
      (work) => transaction(db(), (ctx) => Promise.all(work.map((w) => w(ctx)))),
      {
        maxBatch,
        onBatchError: async (work, error) => {
          if (work.length === 1) return [asError(error)];
          const outcomes: unknown[] = [];
          for (const w of work) outcomes.push(await transaction(db(), w).catch(asError));
          return outcomes;
        },
      },
    );
  }

  run<T>(work: (ctx: TxContext) => Promise<T>): Promise<T> {
    // The work runs in whichever flush takes it: bound to its submitter's span, so the jobs it enqueues
    // continue the submitter's trace, not the first submitter's.
    return this.batcher.submit(bindTrace(work)) as Promise<T>;
  }
}
