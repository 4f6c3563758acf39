// The gateway room: the product's HTTP routes. It verifies, persists and acknowledges; it never waits
// for an LLM.
import type { Server } from "bun";
import type { BlobStore, Logger, Service } from "../runtime";
import type { EgressGuard } from "../runtime/net";
import type { Sql } from "postgres";
import type { Db } from "../runtime/db";
import type { Wake } from "../runtime/queue";
import { clientIpResolver, createFetchHandler, listen, Router } from "../runtime/http";
import type { Metrics } from "../runtime/metrics";
import { statusRoutes } from "./api";
import { askRoutes, type AskApi } from "./api/ask";
import { backupRoutes, type BackupApi } from "./api/backup";
import { channelOpRoutes, type ChannelOps } from "./api/channel-ops";
import { reportRoutes, type ReportApi } from "./api/report";
import { knowledgeRoutes, type KnowledgeApi } from "./api/knowledge";
import { registerAdminApi } from "./api/admin";
import { registerHealth, type Readiness } from "./health";
import { registerHome } from "./home";
import { registerWebhooks } from "./webhooks";
import { registerWidget, type SocketData, type WidgetLimits } from "./widget";
import type { CertManager, ChallengeStore } from "../certs";
import { httpsFront, type HttpsDeps } from "./https";
import { certRoutes } from "./api/certs";

export { loadSite, snippetOf, unknownWidget, type WidgetSite } from "./widget";

export type { KnowledgeApi } from "./api/knowledge";
export type { AskApi } from "./api/ask";
export type { BackupApi } from "./api/backup";
export type { ChannelOps } from "./api/channel-ops";
export type { ReportApi, ReportBrand } from "./api/report";
export type { HttpsDeps } from "./https";

export type GatewayDeps = {
  db: () => Db;
  sql: () => Sql;
  wake: Wake;
  maxAttempts: number;
  instanceKey: string;
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** `server.trusted_proxies`: peers whose forwarding headers name the client (rate limits, logs). */
  trustedProxies?: readonly string[];
  /** The widget's rate limits; tests pass small ones. Default: `defaultWidgetLimits()`. */
  widgetLimits?: WidgetLimits;
  log: Logger;
  metrics: Metrics;
  readiness: Readiness;
  status: () => Promise<unknown>;
  knowledge: KnowledgeApi;
  /** Uploaded knowledge files are kept here for the ingest job. */
  blobs: BlobStore;
  /** Checks URL inputs of an ingest request (the job's fetches go through it too). */
  egress: EgressGuard;
  /** `server.upload_limit_bytes`: the ingest route's body limit. */
  uploadLimitBytes: number;
  /** The answering dry run behind `xin ask` / `xin chat`; omitted: the route is not served. */
  ask?: AskApi;
  channelOps?: ChannelOps;
  /** The owner's reports (`xin report`); omitted: not served. */
  report?: ReportApi;
  /** `xin backup` against the running server; omitted: the route is not served. */
  backup?: BackupApi;
  beforeScrape: () => Promise<void>;
  /** `server.public_url`: the widget treats it as an allowed origin of its own (the /demo page). */
  publicUrl?: string;
  /** The xin version, shown in the OpenAPI document. */
  version?: string;
  /** Whether the store answers (its health probe); false: webhooks get a 503 at once. Omitted: always up. */
  storeUp?: () => boolean;
  /** See WebhookDeps.onAck. */
  onAck?: (ms: number) => void;
  /** Pending ACME HTTP-01 challenges, answered on the plain-HTTP listener. */
  challenges?: ChallengeStore;
  /** HTTPS with the instance's certificate; omitted: plain HTTP only. */
  https?: HttpsDeps;
  /** The instance's certificate behind `/api/v1/certs` (`xin certs` while a server runs). */
  certs?: CertManager;
};

export const createGatewayHandler = (deps: GatewayDeps) => {
  const router = new Router();
  registerHealth(router, deps.readiness, deps.metrics, deps.beforeScrape);
  registerHome(router, deps.version ?? "dev", deps.readiness);
  // The described admin API (OpenAPI at /api/v1/openapi.json), escalation actions, events.
  const knowledge = knowledgeRoutes({
    db: deps.db,
    instanceKey: deps.instanceKey,
    wake: deps.wake,
    maxAttempts: deps.maxAttempts,
    knowledge: deps.knowledge,
    blobs: deps.blobs,
    egress: deps.egress,
    uploadLimitBytes: deps.uploadLimitBytes,
  });
  // Routes whose work the app does (answering, providers, the backup) are described like the rest, so
  // openapi.json and the generated isolation test see them; each is served only when the app passes it.
  const extra = [
    ...statusRoutes(deps),
    ...knowledge,
    ...(deps.certs ? certRoutes(deps.certs) : []),
    ...(deps.ask ? askRoutes({ db: deps.db, ask: deps.ask }) : []),
    ...(deps.channelOps ? channelOpRoutes({ db: deps.db, ops: deps.channelOps }) : []),
    ...(deps.backup ? backupRoutes(deps.backup) : []),
    ...(deps.report ? reportRoutes({ db: deps.db, report: deps.report }) : []),
  ];
  const admin = registerAdminApi(router, {
    db: deps.db,
    sql: deps.sql,
    instanceKey: deps.instanceKey,
    wake: deps.wake,
    maxAttempts: deps.maxAttempts,
    version: deps.version ?? "dev",
    extra,
  });
  registerWebhooks(router, {
    db: deps.db,
    sql: deps.sql,
    instanceKey: deps.instanceKey,
    wake: deps.wake,
    maxAttempts: deps.maxAttempts,
    log: deps.log,
    metrics: deps.metrics,
    storeUp: deps.storeUp,
    onAck: deps.onAck,
  });
  // One resolver for routed requests and socket upgrades alike, so every per-IP key means the same client.
  const clientIp = clientIpResolver(deps.trustedProxies ?? []);
  const widget = registerWidget(router, {
    db: deps.db,
    wake: deps.wake,
    maxAttempts: deps.maxAttempts,
    instanceKey: deps.instanceKey,
    log: deps.log,
    publicUrl: deps.publicUrl,
    limits: deps.widgetLimits,
    clientIp,
  });
  const fetch = createFetchHandler({
    router,
    log: deps.log,
    metrics: deps.metrics,
    bodyLimitBytes: deps.bodyLimitBytes,
    clientIp,
    continuesTrace: (url) => url.pathname.startsWith("/api/"),
  });
  return { router, widget, closeStreams: admin.closeStreams, fetch };
};

/** The HTTP listener as a Service: binds on start; on stop, refuses new connections and lets in-flight requests finish. */
export const gatewayService = (deps: GatewayDeps): Service & { port(): number | null; httpsPort(): number | null } => {
  let server: Server<SocketData> | null = null;
  const { fetch, widget, closeStreams } = createGatewayHandler(deps);
  const front = httpsFront<SocketData>({
    https: deps.https,
    challenges: deps.challenges,
    host: deps.host,
    log: deps.log,
  });
  return {
    name: "gateway",
    port: () => server?.port ?? null,
    httpsPort: () => front.port(),
    start: async () => {
      await widget.start(deps.sql());
      // The widget socket is upgraded before routing; everything else goes through the router.
      const routed = async (req: Request, srv: Server<SocketData>) => {
        const upgraded = await widget.upgrade(req, srv);
        return upgraded === null ? fetch(req, srv) : upgraded;
      };
      try {
        await front.start(routed, widget.websocket);
        server = listen(
          { host: deps.host, port: deps.port, fetch: front.plain(routed), websocket: widget.websocket },
          deps.log,
        );
      } catch (e) {
        await front.stop(Date.now());
        await widget.stop();
        throw e;
      }
    },
    stop: async (deadline) => {
      const s = server;
      server = null;
      closeStreams();
      await widget.stop();
      await front.stop(deadline);
      if (!s) return;
      await Promise.race([s.stop(false), Bun.sleep(Math.max(0, deadline - Date.now()))]);
      s.stop(true);
    },
  };
};
