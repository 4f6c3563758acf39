import { XinError } from "../errors";

/**
 * Thrown by a handler that cannot finish yet for a reason that is not a failure (a delivery waiting for
 * the provider's status webhook to settle an attempt in doubt): the job goes back to the queue to run
 * again after `delayMs`, without using up one of its attempts. Jobs of its key keep waiting behind it,
 * so per-key order holds.
 */
export class JobDeferred extends XinError {
  readonly deferred = true;
  readonly delayMs: number;

  constructor(delayMs: number, why: string) {
    super("queue.deferred", why, { data: { delay_ms: delayMs } });
    this.delayMs = Math.max(0, Math.ceil(delayMs));
  }
}

export const isJobDeferred = (e: unknown): e is JobDeferred => e instanceof JobDeferred;
