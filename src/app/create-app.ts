import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { gatewayService } from "../gateway";
import { XIN_VERSION } from "./version";
import { acquireInstanceLock } from "../runtime/instance-lock";
import { AdmissionGate, BlobStore, XinError, type Logger, type Service } from "../runtime";
import type { Config } from "../runtime/config";
import { Store } from "../runtime/db";
import { createMetrics } from "../runtime/metrics";
import { queueDepth, Wake } from "../runtime/queue";
import { behindGate, jobHandlers, pollingService, PURGE_JOBS, REEMBED_SCAN_JOB, schedulerService, workersService } from "../workers";
import { askQuestion } from "../orchestrator";
import { createAnswering } from "./answering";
import { createEmbedder, createKnowledgeBackend, knowledgeApi, resolveBrand } from "./knowledge";
import { readStatus } from "./status";
import { connectChannel, testChannel } from "./channels";
import { findChannelRow } from "../tenancy";

export type AppPhase = "starting" | "ready" | "draining";

export type App = {
  services: Service[];
  store: Store;
  /** The bound HTTP port once the gateway started (differs from config when it is 0). */
  port(): number | null;
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
  let releaseLock: (() => void) | null = null;

  const storeService: Service = {
    name: "store",
    start: async () => {
      mkdirSync(config.data_dir, { recursive: true });
      if (store.kind === "embedded") releaseLock = acquireInstanceLock(config.data_dir, "serve");
      try {
        await store.open({ migrate: true });
        store.watchHealth();
      } catch (e) {
        releaseLock?.();
        throw e;
      }
    },
    stop: async () => {
      await store.close();
      releaseLock?.();
      releaseLock = null;
    },
  };

  // Acks first: under overload answering yields the cores to webhook acknowledgements (runtime/admission.ts).
  const admission = new AdmissionGate({ max: config.queue.concurrency, targetMs: config.queue.ack_target_ms || Number.POSITIVE_INFINITY });

  const readiness = async () => {
    if (phase !== "ready") return { ready: false, reason: phase };
    if (!store.health.isUp) return { ready: false, reason: "store_unreachable" };
    return { ready: true };
  };

  const knowledge = createKnowledgeBackend(() => store.db, config);
  const embedder = createEmbedder(config);
  const blobs = new BlobStore(join(config.data_dir, "blobs"));
  const answering = createAnswering(config, { backend: knowledge, embedder, metrics, log });

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
    knowledge: knowledgeApi(() => store.db, knowledge, embedder, log.child({ room: "rag" })),
    ask: {
      resolveBrand: (ref, tenantId) => resolveBrand(store.db, ref, tenantId),
      ask: (scope, question, history) => askQuestion({ db: () => store.db, pipeline: answering.pipeline }, scope, question, history),
    },
    channelOps: {
      test: (id, tenantId) => testChannel(config, store.db, id, tenantId),
      connect: async (id, tenantId) => {
        const row = await findChannelRow(store.db, id, tenantId);
        if (!row) throw new XinError("channel.not_found", `no channel ${id}`, { status: 404 });
        return { id, result: (await connectChannel(config, row)) ?? "this provider's webhook is configured in its dashboard" };
      },
    },
    status: () => readStatus(store, config, { running: true, pid: process.pid, uptime_seconds: Math.round((Date.now() - startedAt) / 1000) }),
    beforeScrape: async () => {
      metrics.queueDepth.reset();
      for (const d of await queueDepth(store.sql)) metrics.queueDepth.set({ state: d.state, kind: d.kind }, d.count);
    },
  });

  const workers = workersService({
    sql: () => store.sql,
    handlers: () =>
      behindGate(jobHandlers({
        db: () => store.db,
        sql: store.sql,
        instanceKey: config.instance_key,
        wake,
        maxAttempts: config.queue.max_attempts,
        blobs,
        knowledge,
        embed: embedder ? (texts, tenantId) => embedder.embed(texts, { tenantId }) : undefined,
        embeddingModel: config.embeddings?.model ?? null,
        retentionDays: config.queue.retention_days,
        mediaMaxBytes: config.server.media_max_bytes,
        answering: answering.respond,
      }), admission),
    options: config.queue,
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
    schedules: [
      { name: "purge finished jobs", cron: "17 3 * * *", job: () => ({ kind: PURGE_JOBS, key: PURGE_JOBS }) },
      // A changed embedding model re-embeds stored knowledge in the background (checked at start and hourly).
      ...(config.embeddings && config.retrieval.backend === "postgres"
        ? [{ name: "re-embed stale knowledge", cron: "7 * * * *", atStart: true, job: () => ({ kind: REEMBED_SCAN_JOB, key: REEMBED_SCAN_JOB }) }]
        : []),
    ],
  });

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
    services: config.queue.run_jobs ? [storeService, gateway, answering.service, workers, polling, scheduler] : [storeService, gateway, answering.service],
    store,
    port: () => gateway.port(),
    setPhase: (p) => (phase = p),
  };
};
