// The workers room: job handlers and the services that run them.
import type { Sql } from "postgres";
import type { AdmissionGate, Logger, Service } from "../runtime";
import type { Metrics } from "../runtime/metrics";
import { QueueRunner, type JobHandler, type QueueOptions, type Wake } from "../runtime/queue";
import { RESPOND_JOB } from "../inbox";
import { BUILT_IN_GUARDRAILS, respondHandler, type RespondDeps } from "../orchestrator";
import { silentLogger } from "../runtime";
import type { BlobStore } from "../runtime";
import { answerConfigSchema } from "../runtime/config";
import { GroupTransaction, type Db } from "../runtime/db";
import type { EgressGuard } from "../runtime/net";
import { CHANNEL_ACT_JOB, channelActHandler, channelActions } from "./act";
import { AUTOMATION_RUN_JOB, AUTOMATION_SCAN_JOB, automationRunHandler, automationScanHandler } from "./automation";
import { DELIVER_JOB, deliverHandler, type DeliverDeps } from "./deliver";
import { PURGE_JOBS, purgeJobsHandler } from "./maintenance";
import { INGEST_JOB, ingestHandler } from "./ingest";
import { MEDIA_FETCH_JOB, mediaFetchHandler } from "./media";
import { REEMBED_JOB, REEMBED_SCAN_JOB, reembedHandler, reembedScanHandler } from "./reembed";
import { ProviderPauses } from "./provider-pause";

export { schedulerService, type Schedule } from "./scheduler";
export { PURGE_JOBS } from "./maintenance";
export {
  AUTOMATION_RUN_JOB,
  AUTOMATION_SCAN_JOB,
  automationSchedule,
  runAutomation,
  scanAutomations,
  type RunOutcome,
} from "./automation";
export { pollingService } from "./telegram-poll";
export { pollRetryMs, type PollHealth } from "./poll-health";
export { deliverHandler, DELIVER_JOB } from "./deliver";
export { mediaFetchHandler, MEDIA_FETCH_JOB } from "./media";
export { auditQuarantined, ingestHandler, INGEST_JOB, IngestPayloadSchema, type IngestPayload } from "./ingest";
export { REEMBED_JOB, REEMBED_SCAN_JOB } from "./reembed";

export type HandlerDeps = {
  db: () => Db;
  sql: Sql;
  instanceKey: string;
  wake: Wake;
  maxAttempts: number;
  blobs: BlobStore;
  retentionDays: number;
  mediaMaxBytes: number;
  /** The egress guard every tenant- or payload-steered fetch goes through (crawling, media). */
  egress: EgressGuard;
  knowledge: Parameters<typeof ingestHandler>[0]["backend"];
  /** The answering pipeline and its settings; omitted: knowledge-base answers, built-in guardrails, defaults. */
  answering?: Pick<RespondDeps, "pipeline" | "quietWindowMs" | "historyTokens" | "onOutcome" | "limits">;
  /** Embeds chunk texts when an embeddings endpoint is configured. */
  embed?: (texts: string[], tenantId: string) => Promise<Float32Array[]>;
  embeddingModel?: string | null;
  metrics?: Metrics;
  /** The instance's owner id, recorded with each automation slot it fires. */
  owner?: () => string | null;
  /** Delivery settings tests change: the in-doubt wait, failure points before and after the provider call. */
  delivery?: Pick<DeliverDeps, "inDoubtWaitMs" | "afterProviderCall" | "beforeProviderCall">;
};

const defaultAnswering = (deps: HandlerDeps): NonNullable<HandlerDeps["answering"]> => {
  // The one set of answer defaults: the config schema's (no quiet window: nothing configured it).
  const answer = answerConfigSchema.parse({});
  return {
    pipeline: {
      search: (r) => deps.knowledge.search(r),
      chat: null,
      guardrails: BUILT_IN_GUARDRAILS,
      config: { top_k: answer.top_k, min_confidence: answer.min_confidence },
      log: silentLogger,
    },
    quietWindowMs: 0,
    historyTokens: answer.history_tokens,
  };
};

/** Every job kind this build handles. Adding a kind = a handler file and one line here. */
export const jobHandlers = (deps: HandlerDeps): Record<string, JobHandler> => {
  // One per process: a provider's 429 or outage seen by any delivery or channel action pauses them all.
  const pauses = new ProviderPauses();
  // One group commit for the answering path's small transactions (turns, send attempts, sent marks):
  // written meanwhile, they share a COMMIT (one WAL flush) instead of each kind committing on its own.
  const group = new GroupTransaction(deps.db);
  return {
    ...(deps.embed && deps.embeddingModel
      ? {
          [REEMBED_SCAN_JOB]: reembedScanHandler({
            db: deps.db,
            wake: deps.wake,
            model: deps.embeddingModel,
            maxAttempts: deps.maxAttempts,
          }),
          [REEMBED_JOB]: reembedHandler({ db: deps.db, model: deps.embeddingModel, embed: deps.embed }),
        }
      : {}),
    [PURGE_JOBS]: purgeJobsHandler(deps.sql, deps.retentionDays),
    [AUTOMATION_SCAN_JOB]: automationScanHandler({
      db: deps.db,
      wake: deps.wake,
      maxAttempts: deps.maxAttempts,
      owner: deps.owner,
    }),
    [AUTOMATION_RUN_JOB]: automationRunHandler({
      db: deps.db,
      wake: deps.wake,
      maxAttempts: deps.maxAttempts,
      blobs: deps.blobs,
      metrics: deps.metrics,
    }),
    [RESPOND_JOB]: respondHandler({
      db: deps.db,
      wake: deps.wake,
      maxAttempts: deps.maxAttempts,
      act: channelActions({ db: deps.db, instanceKey: deps.instanceKey, pauses }),
      group,
      ...(deps.answering ?? defaultAnswering(deps)),
    }),
    [DELIVER_JOB]: deliverHandler({
      db: deps.db,
      instanceKey: deps.instanceKey,
      metrics: deps.metrics,
      pauses,
      group,
      ...deps.delivery,
    }),
    [INGEST_JOB]: ingestHandler({
      db: deps.db,
      backend: deps.knowledge,
      blobs: deps.blobs,
      fetch: deps.egress.fetch,
      embed: deps.embed,
    }),
    [CHANNEL_ACT_JOB]: channelActHandler({ db: deps.db, instanceKey: deps.instanceKey, pauses }),
    [MEDIA_FETCH_JOB]: mediaFetchHandler({
      db: deps.db,
      instanceKey: deps.instanceKey,
      blobs: deps.blobs,
      maxBytes: deps.mediaMaxBytes,
      egress: deps.egress,
    }),
  };
};

/**
 * The handlers with the CPU-heavy kinds (answering, ingestion, media) behind the admission gate, so
 * that under overload they yield to webhook acks (runtime/admission.ts). Deliveries and channel actions
 * are not held back: they send what is already decided and cost little CPU, so holding them would
 * delay replies without freeing the cores.
 */
export const behindGate = (handlers: Record<string, JobHandler>, gate: AdmissionGate): Record<string, JobHandler> =>
  Object.fromEntries(
    Object.entries(handlers).map(([kind, handle]): [string, JobHandler] =>
      kind === DELIVER_JOB || kind === CHANNEL_ACT_JOB
        ? [kind, handle]
        : [kind, (job, ctx) => gate.run(() => handle(job, ctx), ctx.signal)],
    ),
  );

/** The queue runner as a Service: claims from start; stop drains within the deadline. */
export const workersService = (deps: {
  sql: () => Sql;
  handlers: () => Record<string, JobHandler>;
  options: QueueOptions;
  /** The data dir's owner id when this process holds its lock (see `InstanceClaim`). */
  owner?: () => string | null;
  wake: Wake;
  log: Logger;
  metrics: Metrics;
}): Service & { busy(): number } => {
  let runner: QueueRunner | null = null;
  return {
    name: "workers",
    busy: () => runner?.busy ?? 0,
    start: async () => {
      await deps.wake.listen(deps.sql(), deps.log);
      runner = new QueueRunner(
        deps.sql(),
        deps.handlers(),
        deps.options,
        deps.wake,
        deps.log,
        deps.metrics,
        deps.owner?.(),
      );
      runner.start();
    },
    stop: async (deadline) => {
      await runner?.stop(deadline);
      runner = null;
      await deps.wake.close();
    },
  };
};
