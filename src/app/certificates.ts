import {
  answerChallenge,
  CertManager,
  certMetrics,
  ChallengeStore,
  type CertStatus,
  type OrderRequest,
} from "../certs";
import { silentLogger, XinError, type Logger } from "../runtime";
import { listen } from "../runtime/http";
import type { Config } from "../runtime/config";
import type { Db } from "../runtime/db";
import type { Metrics } from "../runtime/metrics";
import type { JobHandler } from "../runtime/queue";

/** The scheduled renewal check's job kind. */
export const CERT_RENEW_JOB = "certs.renew";

/**
 * The instance's certificate pieces: challenge tokens in the store, the manager (files under
 * <data_dir>/certs), its metrics, and the renewal job. The job records its own outcome and backoff
 * in the certificate state and never fails: the queue's retries would hammer the CA on top of it.
 */
export const certificates = (
  config: Config,
  db: () => Db,
  metrics: Metrics,
  log: Logger,
  options: { pollMs?: number; now?: () => Date } = {},
) => {
  const challenges = new ChallengeStore(db);
  const manager = new CertManager({
    dataDir: config.data_dir,
    challenges,
    log,
    renewDaysBefore: config.certs.renew_days_before,
    ...options,
  });
  const observed = certMetrics(metrics.registry, manager);
  const renewHandler: JobHandler = async () => {
    const result = await manager.renewIfDue();
    observed.observe(result);
    if (result.outcome === "failed")
      log.warn("certificate renewal failed; retried with backoff", { err: result.error });
    else if (result.outcome === "renewed") log.info("certificate renewed");
  };
  return { challenges, manager, renewHandler };
};

/**
 * `xin certs issue` with no server running: the store is opened by the CLI, and a short-lived
 * listener on server.port answers the CA's HTTP-01 requests from it for the length of the order.
 */
export const issueWithoutServer = async (
  config: Config,
  db: () => Db,
  request: OrderRequest,
  log: Logger,
  options: { pollMs?: number } = {},
): Promise<CertStatus> => {
  const challenges = new ChallengeStore(db);
  const manager = new CertManager({
    dataDir: config.data_dir,
    challenges,
    log,
    renewDaysBefore: config.certs.renew_days_before,
    pollMs: options.pollMs,
  });
  const server = listen(
    {
      host: config.server.host,
      port: config.server.port,
      fetch: async (req) =>
        (await answerChallenge(challenges, req)) ??
        new Response("xin is not running; only ACME challenges are answered\n", { status: 503 }),
    },
    log,
  );
  try {
    await manager.issue(request);
    return manager.status();
  } finally {
    await server.stop(true);
  }
};

/** What `xin certs status` prints: read from the data dir, no store or server needed. */
export const certStatus = (config: Config): CertStatus =>
  new CertManager({
    dataDir: config.data_dir,
    challenges: new ChallengeStore(() => {
      throw new XinError("certs.no_store", "reading the certificate status needs no store");
    }),
    log: silentLogger,
    renewDaysBefore: config.certs.renew_days_before,
  }).status();
