import type { TxContext } from "../db/client";
import type { Logger } from "../log";

/** A claimed job as the handler sees it. */
export type Job = {
  id: number;
  kind: string;
  key: string | null;
  tenant_id: string | null;
  payload: unknown;
  attempts: number;
  max_attempts: number;
};

export type JobContext = {
  log: Logger;
  /** Aborted when the lease is lost or the drain deadline passes: stop and throw. */
  signal: AbortSignal;
  /**
   * Marks the job done inside the handler's own transaction, so its effects and the completion commit
   * together (exactly-once effects). Throws `queue.lease_lost` when another worker took the job over;
   * the transaction then rolls back.
   */
  completeIn(ctx: TxContext): Promise<void>;
  /** Stores progress (or a final result) on the job row for clients to read; best effort. */
  reportProgress(progress: unknown): Promise<void>;
};

/**
 * A job handler. Returning completes the job; throwing retries it with backoff. An error carrying
 * `retryable: false` is dead-lettered at once; one carrying `retryAfterMs` is retried after that delay
 * (provider Retry-After hints). Handlers must be idempotent: a job may run again after a crash.
 */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<void>;

export type QueueOptions = {
  concurrency: number;
  max_attempts: number;
  backoff_base_ms: number;
  backoff_max_ms: number;
  lease_ms: number;
  poll_interval_ms: number;
};
