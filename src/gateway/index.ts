// The gateway room: the product's HTTP routes. It verifies, persists and acknowledges; it never waits
// for an LLM.
import type { Server } from "bun";
import type { Logger, Service } from "../runtime";
import type { Sql } from "postgres";
import type { Db } from "../runtime/db";
import type { Wake } from "../runtime/queue";
import { createFetchHandler, listen, Router } from "../runtime/http";
import type { Metrics } from "../runtime/metrics";
import { registerApi } from "./api";
import { registerKnowledgeApi, type KnowledgeApi } from "./api/knowledge";
import { registerHealth, type Readiness } from "./health";
import { registerWebhooks } from "./webhooks";

export type { KnowledgeApi } from "./api/knowledge";

export type GatewayDeps = {
  db: () => Db;
  sql: () => Sql;
  wake: Wake;
  maxAttempts: number;
  instanceKey: string;
  host: string;
  port: number;
  bodyLimitBytes: number;
  log: Logger;
  metrics: Metrics;
  readiness: Readiness;
  status: () => Promise<unknown>;
  knowledge: KnowledgeApi;
  beforeScrape: () => Promise<void>;
};

export const createGatewayHandler = (deps: GatewayDeps) => {
  const router = new Router();
  registerHealth(router, deps.readiness, deps.metrics, deps.beforeScrape);
  registerApi(router, { db: deps.db, instanceKey: deps.instanceKey, status: deps.status });
  registerKnowledgeApi(router, { db: deps.db, instanceKey: deps.instanceKey, wake: deps.wake, maxAttempts: deps.maxAttempts, knowledge: deps.knowledge });
  registerWebhooks(router, { db: deps.db, sql: deps.sql, instanceKey: deps.instanceKey, wake: deps.wake, maxAttempts: deps.maxAttempts, log: deps.log });
  return { router, fetch: createFetchHandler({ router, log: deps.log, metrics: deps.metrics, bodyLimitBytes: deps.bodyLimitBytes }) };
};

/** The HTTP listener as a Service: binds on start; on stop, refuses new connections and lets in-flight requests finish. */
export const gatewayService = (deps: GatewayDeps): Service & { port(): number | null } => {
  let server: Server<undefined> | null = null;
  const { fetch } = createGatewayHandler(deps);
  return {
    name: "gateway",
    port: () => server?.port ?? null,
    start: async () => {
      server = listen({ host: deps.host, port: deps.port, fetch }, deps.log);
    },
    stop: async (deadline) => {
      const s = server;
      server = null;
      if (!s) return;
      await Promise.race([s.stop(false), Bun.sleep(Math.max(0, deadline - Date.now()))]);
      s.stop(true);
    },
  };
};
