import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { gatewayService } from "../gateway";
import { XIN_VERSION } from "./version";
import { claimInstance, type InstanceClaim } from "../runtime/instance-claim";
import { takeOverFromYielding } from "../runtime/instance-lock";
import { AdmissionGate, BlobStore, XinError, type Logger, type Service } from "../runtime";
import type { Config } from "../runtime/config";
import { Store } from "../runtime/db";
import { createMetrics } from "../runtime/metrics";
import { EgressGuard } from "../runtime/net";
import { queueDepth, queueOldest, releaseDeadOwners, Wake } from "../runtime/queue";
import { oldestOpenEscalationSeconds } from "../inbox";
import {
  AUTOMATION_SCAN_JOB,
  behindGate,
  jobHandlers,
  pollingService,
  PURGE_JOBS,
  REEMBED_SCAN_JOB,
  schedulerService,
  workersService,
} from "../workers";
import { askQuestion } from "../orchestrator";
import { createAnswering } from "./answering";
import { createEmbedder, createKnowledgeBackend, knowledgeApi } from "./knowledge";
import { parsePeriod, readBrandReport, readKnowledgeGaps } from "./report";
import { archiveSize, createBackupArchive } from "./backup";
import { readStatus } from "./status";
import { connectChannel, testChannel } from "./channels";
import { checkWebhookRegistration } from "./webhook-registration";
import { findChannelRow } from "../tenancy";
import { certificates, CERT_RENEW_JOB } from "./certificates";
import { BACKUP_JOB, scheduledBackupHandler } from "./scheduled-backup";

export type AppPhase = "starting" | "ready" | "draining";

export type App = {
  services: Service[];
  store: Store;
  /** The bound HTTP port once the gateway started (differs from config when it is 0). */
  port(): number | null;
  /** The HTTPS port while a certificate is served, else null. */
  httpsPort(): number | null;
  /** The instance's certificate: issue, renew, status. */
  certs: ReturnType<typeof certificates>["manager"];
  setPhase(phase: AppPhase): void;
};

/**
 * The composition root: turns a Config into the ordered Service list of DESIGN §1 — store, gateway,
 * workers (which run the orchestrator's respond jobs, delivery and ingestion), scheduler. Building the
 * app starts nothing.
 */
export const createApp = (config: Config, log: Logger): App => {
  const startedAt = Date.now();
  let phase: AppPhase = "starting";
  const metrics = createMetrics();
  const wake = new Wake();
  const store = new Store({
    dataDir: config.data_dir,
    url: config.database.url,
    poolMax: config.database.pool_max,
    log,
  });
  let claim: InstanceClaim | null = null;

  const storeService: Service = {
    name: "store",
    start: async () => {
      mkdirSync(config.data_dir, { recursive: true });
      // The embedded store needs the data dir's lock; with an external one the lock is only the proof
      // that lets a restarted instance take back its own dead jobs (another xin sharing the dir: no proof).
      // An open `xin chat` on the embedded store hands it over rather than keeping the server out.
      const handedOver = store.kind === "embedded" ? await takeOverFromYielding(config.data_dir) : null;
      if (handedOver) log.info("xin chat handed the store over; it goes on through this server", { pid: handedOver });
      claim = claimInstance(config.data_dir, "serve", { required: store.kind === "embedded" });
      try {
        await store.open({ migrate: true });
        // Nothing of this process runs yet: jobs its predecessor was running are released now, not
        // after their lease (up to queue.lease_ms) expires.
        const owner = claim.owner;
        const released = owner
          ? await releaseDeadOwners(store.sql, store.kind === "embedded" ? { all: true } : { owner })
          : 0;
        if (released)
          log.warn("jobs of the previous process of this instance returned to the queue", { count: released });
        store.watchHealth();
      } catch (e) {
        claim.release();
        claim = null;
        throw e;
      }
    },
    stop: async () => {
      await store.close();
      claim?.release();
      claim = null;
    },
  };

  // Acks first: under overload answering yields the cores to webhook acknowledgements (runtime/admission.ts).
  const admission = new AdmissionGate({
    max: config.queue.concurrency,
    targetMs: config.queue.ack_target_ms || Number.POSITIVE_INFINITY,
  });

  const readiness = async () => {
    if (phase !== "ready") return { ready: false, reason: phase };
    // A known outage answers at once; otherwise the pool itself is asked (the probe may not have seen a
    // restart yet, and a load balancer must not send traffic to a pool still reconnecting).
    if (!store.health.isUp || !(await store.ping())) return { ready: false, reason: "store_unreachable" };
    return { ready: true };
  };

  const knowledge = createKnowledgeBackend(() => store.db, config);
  const embedder = createEmbedder(config);
  const blobs = new BlobStore(join(config.data_dir, "blobs"));
  // On by default: only public addresses unless the operator lists ranges in egress.allow_cidrs.
  const egress = new EgressGuard({ allowCidrs: config.egress.allow_cidrs });
  const answering = createAnswering(config, { backend: knowledge, embedder, metrics, log });
  const certs = certificates(config, () => store.db, metrics, log.child({ room: "certs" }));

  const gateway = gatewayService({
    db: () => store.db,
    sql: () => store.sql,
    wake,
    maxAttempts: config.queue.max_attempts,
    instanceKey: config.instance_key,
    host: config.server.host,
    port: config.server.port,
    bodyLimitBytes: config.server.body_limit_bytes,
    trustedProxies: config.server.trusted_proxies,
    publicUrl: config.server.public_url,
    version: XIN_VERSION,
    log: log.child({ room: "gateway" }),
    metrics,
    readiness,
    storeUp: () => store.health.isUp,
    onAck: (ms) => admission.observe(ms),
    challenges: certs.challenges,
    https: { port: config.server.https_port, hsts: config.server.hsts, certs: certs.manager },
    certs: certs.manager,
    knowledge: knowledgeApi(() => store.db, knowledge, embedder, log.child({ room: "rag" })),
    blobs,
    egress,
    uploadLimitBytes: config.server.upload_limit_bytes,
    ask: {
      ask: (scope, question, history) =>
        askQuestion({ db: () => store.db, pipeline: answering.pipeline }, scope, question, history),
    },
    backup: {
      create: async (options) => {
        const { path } = await createBackupArchive(store, config.data_dir, options);
        return { path, size: archiveSize(path) };
      },
    },
    report: {
      activity: (brand, since, until) => readBrandReport({ sql: store.sql, config }, brand, parsePeriod(since, until)),
      gaps: (brand, since, until, limit) =>
        readKnowledgeGaps({ sql: store.sql, config }, brand, parsePeriod(since, until), limit),
    },
    channelOps: {
      test: (id, tenantId) => testChannel(config, store.db, id, tenantId),
      webhook: (id, tenantId) => checkWebhookRegistration(config, store.db, id, tenantId),
      connect: async (id, tenantId) => {
        const row = await findChannelRow(store.db, id, tenantId);
        if (!row) throw new XinError("channel.not_found", `no channel ${id}`, { status: 404 });
        return {
          id,
          result: (await connectChannel(config, row)) ?? "this provider's webhook is configured in its dashboard",
        };
      },
    },
    status: () =>
      readStatus(
        store,
        config,
        { running: true, pid: process.pid, uptime_seconds: Math.round((Date.now() - startedAt) / 1000) },
        polling.health(),
      ),
    beforeScrape: async () => {
      const [depth, oldest, escalation] = await Promise.all([
        queueDepth(store.sql),
        queueOldest(store.sql),
        oldestOpenEscalationSeconds(store.sql),
      ]);
      metrics.queueDepth.reset();
      for (const d of depth) metrics.queueDepth.set({ state: d.state, kind: d.kind }, d.count);
      // Every kind seen in the queue gets a sample (0 when none of it waits), so a lag alert has a series to read.
      metrics.queueOldest.reset();
      for (const d of depth) metrics.queueOldest.set({ kind: d.kind }, 0);
      for (const o of oldest) metrics.queueOldest.set({ kind: o.kind }, o.seconds);
      metrics.escalationOldest.set(escalation);
    },
  });

  const workers = workersService({
    sql: () => store.sql,
    handlers: () =>
      behindGate(
        {
          ...jobHandlers({
            db: () => store.db,
            sql: store.sql,
            instanceKey: config.instance_key,
            wake,
            maxAttempts: config.queue.max_attempts,
            blobs,
            egress,
            knowledge,
            embed: embedder ? (texts, tenantId) => embedder.embed(texts, { tenantId }) : undefined,
            embeddingModel: config.embeddings?.model ?? null,
            retentionDays: config.queue.retention_days,
            owner: () => claim?.owner ?? null,
            mediaMaxBytes: config.server.media_max_bytes,
            answering: answering.respond,
            metrics,
            delivery: { inDoubtWaitMs: config.queue.in_doubt_wait_ms },
          }),
          [CERT_RENEW_JOB]: certs.renewHandler,
          [BACKUP_JOB]: scheduledBackupHandler(
            store,
            config.data_dir,
            config.backup.keep,
            log.child({ room: "backup" }),
          ),
        },
        admission,
      ),
    options: config.queue,
    owner: () => claim?.owner ?? null,
    wake,
    log: log.child({ room: "workers" }),
    metrics,
  });

  const scheduler = schedulerService({
    session: () => store.openSession(),
    db: () => store.db,
    wake,
    log: log.child({ room: "scheduler" }),
    maxAttempts: config.queue.max_attempts,
    owner: () => claim?.owner ?? null,
    schedules: [
      {
        name: "purge finished jobs",
        cron: config.queue.purge_schedule,
        job: () => ({ kind: PURGE_JOBS, key: PURGE_JOBS }),
      },
      // Every minute: one run job per due slot of each tenant's automations (workers/automation.ts).
      {
        name: "run due automations",
        cron: "* * * * *",
        job: () => ({ kind: AUTOMATION_SCAN_JOB, key: AUTOMATION_SCAN_JOB }),
      },
      // Checked at start (the server may have been down past the renewal date) and twice a day.
      {
        name: "renew certificate",
        cron: "41 */12 * * *",
        atStart: true,
        job: () => ({ kind: CERT_RENEW_JOB, key: CERT_RENEW_JOB }),
      },
      // backup.schedule: the embedded store backs itself up (an external one is the operator's pg_dump).
      ...(config.backup.schedule && store.kind === "embedded"
        ? [
            {
              name: "back up the store",
              cron: config.backup.schedule,
              job: () => ({ kind: BACKUP_JOB, key: BACKUP_JOB }),
            },
          ]
        : []),
      // A changed embedding model re-embeds stored knowledge in the background (checked at start and hourly).
      ...(config.embeddings && config.retrieval.backend === "postgres"
        ? [
            {
              name: "re-embed stale knowledge",
              cron: "7 * * * *",
              atStart: true,
              job: () => ({ kind: REEMBED_SCAN_JOB, key: REEMBED_SCAN_JOB }),
            },
          ]
        : []),
    ],
  });

  if (config.backup.schedule && store.kind !== "embedded")
    log.warn(
      "backup.schedule is ignored: xin backs up only its embedded store; back the external PostgreSQL up with pg_dump",
      { room: "backup" },
    );

  const polling = pollingService({
    db: () => store.db,
    session: () => store.openSession(),
    instanceKey: config.instance_key,
    wake,
    maxAttempts: config.queue.max_attempts,
    log: log.child({ room: "workers" }),
    metrics,
  });

  return {
    // A gateway-only instance (queue.run_jobs = false) acknowledges and persists; others do the work.
    services: config.queue.run_jobs
      ? [storeService, gateway, answering.service, workers, polling, scheduler]
      : [storeService, gateway, answering.service],
    store,
    port: () => gateway.port(),
    httpsPort: () => gateway.httpsPort(),
    certs: certs.manager,
    setPhase: (p) => (phase = p),
  };
};
