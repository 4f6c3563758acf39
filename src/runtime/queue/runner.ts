import type { Sql } from "postgres";
import type { TxContext } from "../db/client";
import { errorCode, errorText, XinError } from "../errors";
import { newId } from "../ids";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import { withSpan, type SpanHandle } from "../telemetry";
import { backoffDelay } from "./backoff";
import { claimJobs, msUntilNextDue, reapExpired } from "./claim";
import { isJobDeferred } from "./defer";
import { Completer } from "./completer";
import type { ClaimedJob, HandOffTaker, JobHandler, QueueOptions } from "./types";
import type { Wake } from "./wake";

/** The least time between two claims of a runner without a backlog: a job queued meanwhile waits at most this much longer. */
const CLAIM_GAP_MS = 10;

/**
 * Runs jobs from the durable queue with bounded concurrency.
 *
 * Guarantees: a job completes at most once (completion is fenced by its lease token); a job whose
 * worker dies is taken over after its lease expires (heartbeats keep a live lease); a failing job is
 * retried with capped exponential backoff and jitter and dead-lettered with its last error after
 * `max_attempts`. `stop` claims nothing new, lets jobs in hand finish until the deadline, then aborts
 * them and puts them back without counting the attempt.
 *
 * Jobs enqueued in this process can also be handed to the runner directly (`HandOffTaker`): their rows
 * are written `running` under its lease in the enqueuing transaction and start when it commits — no
 * claim query, no wake-up round trip. The same lease, heartbeat and fencing apply, so a crash after
 * the commit is recovered like any claimed job. Hand-off stops while queued jobs may be waiting (a
 * claim filled every free slot, or a job was queued because the runner was full), so newcomers never
 * overtake a backlog; the next claim that finds fewer jobs than free slots turns it back on.
 */
export class QueueRunner implements HandOffTaker {
  readonly workerId: string;
  private readonly inFlight = new Map<number, { done: Promise<void>; abort: AbortController }>();
  /** Slots kept for jobs being handed over in transactions not yet committed. */
  private reserved = 0;
  /** Queued jobs may be waiting: claim them before taking newcomers by hand-off. */
  private backlog = true;
  private loop: Promise<void> | null = null;
  private readonly stopSignal = new AbortController();
  private readonly completer: Completer;

  constructor(
    private readonly sql: Sql,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: QueueOptions,
    private readonly wake: Wake,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
    /** The data dir's owner id while this process holds its lock (`InstanceClaim`): leases carry it. */
    owner?: string | null,
  ) {
    this.workerId = owner ? `${owner}/${newId("wrk")}` : newId("wrk");
    this.completer = new Completer(sql);
  }

  get leaseMs(): number {
    return this.options.lease_ms;
  }

  start(): void {
    this.wake.attach(this);
    this.loop = this.run();
  }

  tryReserve(kind: string): boolean {
    if (this.stopSignal.signal.aborted || !this.handlers[kind] || this.backlog) return false;
    if (this.inFlight.size + this.reserved >= this.options.concurrency) {
      this.backlog = true; // this job will be queued: it must not be overtaken by the next newcomer
      return false;
    }
    this.reserved += 1;
    return true;
  }

  unreserve(): void {
    this.reserved -= 1;
    this.wake.notify(); // the slot is free again for a claim
  }

  adopt(job: ClaimedJob): void {
    this.reserved -= 1;
    // Committed while this runner was draining: back to the queue (attempt not counted) for whoever runs next.
    if (this.stopSignal.signal.aborted) void this.release(job).catch(() => {});
    else this.execute(job);
  }

  private async run(): Promise<void> {
    const kinds = Object.keys(this.handlers);
    let lastReap = 0;
    let lastClaim = -Infinity;
    while (!this.stopSignal.signal.aborted) {
      try {
        // Every finished job wakes this loop; while hand-off leaves nothing queued, claiming on each
        // would cost a claim (the queue's most expensive statement) per job for nothing. Such wake-ups
        // within the gap are served by one claim at its end. With a backlog, free slots are filled at once.
        const gap = this.backlog ? 0 : CLAIM_GAP_MS - (performance.now() - lastClaim);
        if (gap > 0) await Bun.sleep(gap);
        lastClaim = performance.now();
        if (Date.now() - lastReap >= this.options.poll_interval_ms) {
          lastReap = Date.now();
          const reaped = await reapExpired(this.sql);
          if (reaped) this.log.warn("jobs with expired lease returned to queue", { count: reaped });
        }
        const free = this.options.concurrency - this.inFlight.size - this.reserved;
        if (free > 0 && kinds.length) {
          const jobs = await claimJobs(this.sql, this.workerId, free, this.options.lease_ms, kinds);
          for (const job of jobs) this.execute(job);
          this.backlog = jobs.length === free;
          if (this.backlog) continue; // more may be waiting
        }
        const idle =
          this.inFlight.size < this.options.concurrency
            ? await msUntilNextDue(this.sql, this.options.poll_interval_ms)
            : this.options.poll_interval_ms;
        if (idle > 0) await this.wake.wait(idle, this.stopSignal.signal);
      } catch (e) {
        // The store may be restarting: keep the loop alive and try again shortly.
        this.log.warn("queue loop iteration failed", { err_code: errorCode(e), err: errorText(e) });
        await this.wake.wait(Math.min(1000, this.options.poll_interval_ms), this.stopSignal.signal);
      }
    }
  }

  private execute(job: ClaimedJob): void {
    const abort = new AbortController();
    // The run continues the trace of whoever enqueued the job (a webhook request, the previous job).
    const attributes = {
      "xin.job.id": job.id,
      "xin.job.kind": job.kind,
      "xin.job.attempt": job.attempts,
      ...(job.tenant_id ? { "xin.tenant_id": job.tenant_id } : {}),
    };
    const done = withSpan(`job ${job.kind}`, { kind: "consumer", parent: job.trace, attributes }, (span) =>
      this.runOne(job, abort, span),
    ).finally(() => {
      this.inFlight.delete(job.id);
      this.wake.notify(); // a slot is free: claim again
    });
    this.inFlight.set(job.id, { done, abort });
  }

  private async runOne(job: ClaimedJob, abort: AbortController, span: SpanHandle): Promise<void> {
    const log = this.log.child({
      job_id: job.id,
      kind: job.kind,
      tenant_id: job.tenant_id ?? undefined,
      attempt: job.attempts,
    });
    const started = performance.now();
    let completed = false;
    let progressChain: Promise<void> = Promise.resolve();
    const heartbeat = setInterval(
      () => void this.extendLease(job, abort),
      Math.max(100, Math.floor(this.options.lease_ms / 3)),
    );
    try {
      const handler = this.handlers[job.kind];
      if (!handler) throw new XinError("queue.no_handler", `no handler for job kind ${job.kind}`);
      await handler(job, {
        log,
        signal: abort.signal,
        completeIn: async (ctx: TxContext) => {
          const rows = await ctx.sql`
            update jobs set state = 'done', finished_at = now(), lease_token = null, locked_until = null
            where id = ${job.id} and lease_token = ${job.lease_token} returning id`;
          if (rows.length !== 1) throw new XinError("queue.lease_lost", "the job was taken over by another worker");
          ctx.afterCommit(() => (completed = true));
        },
        // Writes are chained so a late, unawaited update can never overwrite a newer one.
        reportProgress: (progress) =>
          (progressChain = progressChain.then(() =>
            this
              .sql`update jobs set progress = ${JSON.stringify(progress)}::jsonb where id = ${job.id} and lease_token = ${job.lease_token}`.then(
              () => {},
              () => {},
            ),
          )),
      });
      await progressChain;
      if (!completed) await this.complete(job);
      this.metrics?.jobOutcomes.inc({ kind: job.kind, outcome: "done" });
      log.debug("job done", { duration_ms: Math.round(performance.now() - started) });
    } catch (e) {
      if (this.stopSignal.signal.aborted && abort.signal.aborted) {
        await this.release(job).catch(() => {});
        log.info("job released at shutdown");
      } else {
        if (!isJobDeferred(e)) span.fail(`${errorCode(e)}: ${errorText(e)}`.slice(0, 200));
        await this.fail(job, e, log).catch((err) => log.error("job failure not recorded", { err: errorText(err) }));
      }
    } finally {
      clearInterval(heartbeat);
      this.metrics?.jobDuration.observe({ kind: job.kind }, (performance.now() - started) / 1000);
    }
  }

  private async extendLease(job: ClaimedJob, abort: AbortController) {
    try {
      const rows = await this.sql`
        update jobs set locked_until = now() + ${this.options.lease_ms} * interval '1 millisecond'
        where id = ${job.id} and lease_token = ${job.lease_token} and state = 'running' returning id`;
      if (rows.count === 0) abort.abort(new XinError("queue.lease_lost", "lease lost"));
    } catch {
      // A failed heartbeat is retried on the next tick; the lease is long enough to survive one miss.
    }
  }

  private async complete(job: ClaimedJob) {
    await this.completer.complete(job.id, job.lease_token);
  }

  private async release(job: ClaimedJob) {
    await this.sql`
      update jobs set state = 'queued', attempts = attempts - 1, lease_token = null, locked_by = null, locked_until = null
      where id = ${job.id} and lease_token = ${job.lease_token}`;
  }

  private async fail(job: ClaimedJob, e: unknown, log: Logger) {
    if (isJobDeferred(e)) {
      await this.sql`
        update jobs set state = 'queued', attempts = attempts - 1, run_at = now() + ${e.delayMs} * interval '1 millisecond',
          last_error = ${`deferred: ${e.message}`.slice(0, 2000)}, lease_token = null, locked_by = null, locked_until = null
        where id = ${job.id} and lease_token = ${job.lease_token}`;
      this.metrics?.jobOutcomes.inc({ kind: job.kind, outcome: "deferred" });
      log.info("job deferred", { reason: e.message, retrying_in_ms: e.delayMs });
      return;
    }
    const err = e as { retryable?: boolean; retryAfterMs?: number };
    const final = err.retryable === false || job.attempts >= job.max_attempts;
    const message = `${errorCode(e)}: ${errorText(e)}`.slice(0, 2000);
    if (final) {
      await this.sql`
        update jobs set state = 'dead', finished_at = now(), last_error = ${message}, lease_token = null, locked_until = null
        where id = ${job.id} and lease_token = ${job.lease_token}`;
      this.metrics?.jobOutcomes.inc({ kind: job.kind, outcome: "dead" });
      log.error("job dead-lettered", { err_code: errorCode(e), attempts: job.attempts });
      return;
    }
    const delay =
      typeof err.retryAfterMs === "number"
        ? err.retryAfterMs
        : backoffDelay(job.attempts, this.options.backoff_base_ms, this.options.backoff_max_ms);
    await this.sql`
      update jobs set state = 'queued', run_at = now() + ${delay} * interval '1 millisecond', last_error = ${message},
        lease_token = null, locked_by = null, locked_until = null
      where id = ${job.id} and lease_token = ${job.lease_token}`;
    this.metrics?.jobOutcomes.inc({ kind: job.kind, outcome: "retry" });
    log.warn("will retry", { err_code: errorCode(e), retrying_in_ms: delay, attempts: job.attempts });
  }

  get busy(): number {
    return this.inFlight.size;
  }

  /** Drains: no new claims; waits for jobs in hand until `deadline` (epoch ms), then aborts them. */
  async stop(deadline: number): Promise<void> {
    this.stopSignal.abort();
    this.wake.detach(this);
    await this.loop?.catch(() => {});
    const all = Promise.all([...this.inFlight.values()].map((f) => f.done));
    const timeout = Bun.sleep(Math.max(0, deadline - Date.now())).then(() => "timeout" as const);
    if ((await Promise.race([all, timeout])) === "timeout") {
      for (const f of this.inFlight.values()) f.abort.abort(new XinError("queue.draining", "shutting down"));
      await Promise.race([all, Bun.sleep(2000)]);
    }
  }
}
