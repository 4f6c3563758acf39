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
  /** The enqueuer's W3C `traceparent` while tracing is on: the run's span continues that trace. */
  trace?: string | null;
};

/** A job this worker holds: the lease token fences its completion. */
export type ClaimedJob = Job & { lease_token: string };

/**
 * A runner in this process that can take a job into a free slot at the moment it is enqueued (the
 * job row is written already `running` under its lease), skipping the claim query and the wake-up.
 */
export interface HandOffTaker {
  readonly workerId: string;
  readonly leaseMs: number;
  /** Keeps a slot for a job of `kind`; false when it does not run that kind, is full, or has a backlog to drain first. */
  tryReserve(kind: string): boolean;
  /** Gives back a kept slot whose job was not handed over (its transaction rolled back, or it was queued). */
  unreserve(): void;
  /** Starts a job whose row committed in the running state with this taker's lease. */
  adopt(job: ClaimedJob): void;
}

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
