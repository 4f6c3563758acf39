import type { Metrics } from "../runtime/metrics";
import { json, type Router } from "../runtime/http";

export type Readiness = () => Promise<{ ready: boolean; reason?: string }>;

/**
 * /healthz: the process answers. /readyz: the store is reachable and migrated and xin is not starting
 * or draining (503 otherwise, with the reason). /metrics: Prometheus text format.
 */
export const registerHealth = (
  router: Router,
  readiness: Readiness,
  metrics: Metrics,
  beforeScrape: () => Promise<void>,
) => {
  router.get("/healthz", () => json({ status: "ok" }));
  router.get("/readyz", async () => {
    const r = await readiness();
    return json(r.ready ? { status: "ready" } : { status: "not_ready", reason: r.reason }, r.ready ? 200 : 503);
  });
  router.get("/metrics", async () => {
    await beforeScrape().catch(() => {}); // a store hiccup must not hide the process metrics
    return new Response(await metrics.registry.metrics(), {
      headers: { "content-type": metrics.registry.contentType },
    });
  });
};
