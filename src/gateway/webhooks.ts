import type { Sql } from "postgres";
import { storeUnavailable, XinError, type Logger } from "../runtime";
import type { Db } from "../runtime/db";
import type { RequestContext, Router } from "../runtime/http";
import type { Wake } from "../runtime/queue";
import type { Metrics } from "../runtime/metrics";
import { noteIgnored } from "../inbox";
import { ChannelCache } from "../tenancy";
import { deadLetterIfPermanent } from "./dead-letter";
import { GroupCommitter } from "./group-commit";

export type WebhookDeps = {
  db: () => Db;
  sql: () => Sql;
  instanceKey: string;
  wake: Wake;
  maxAttempts: number;
  log: Logger;
  metrics: Metrics;
  storeUp?: () => boolean;
  /** Told how long each webhook took to acknowledge (the admission gate yields background work to slow acks). */
  onAck?: (ms: number) => void;
};

const unknownChannel = () => new XinError("webhook.channel_unknown", "no such channel", { status: 404 });

/**
 * `/webhooks/<provider>/<channel_id>`: verify the raw bytes, parse, persist everything the request
 * carried and enqueue its follow-up jobs in ONE transaction (shared with concurrent requests by the
 * group committer), then answer 200. A provider's retry of
 * the same event is a no-op that still answers 200; a bad signature (401), a malformed payload (400)
 * or an unknown channel (404) writes nothing; an unreachable store answers 503. A payload that passed
 * all checks but whose data the store refuses for good is dead-lettered and answered 200
 * (dead-letter.ts). Never waits for an LLM.
 */
export const registerWebhooks = (router: Router, deps: WebhookDeps) => {
  const committer = new GroupCommitter(deps);
  const channels = new ChannelCache(deps.db, deps.instanceKey);
  const handle = async (ctx: RequestContext) => {
    // During a store outage nothing could be persisted: a 503 at once, which the provider retries,
    // rather than a request that waits on connection attempts.
    if (deps.storeUp && !deps.storeUp()) throw storeUnavailable();
    const found = await channels.get(ctx.params.channel_id);
    if (!found || found.row.provider !== ctx.params.provider || !found.row.enabled) throw unknownChannel();
    const { row, adapter, binding } = found;
    const body = await ctx.body();
    const verdict = adapter.verify(
      { method: ctx.req.method, headers: ctx.req.headers, query: ctx.url.searchParams, body },
      binding,
    );
    if (verdict.kind === "challenge") return new Response(verdict.body, { headers: { "content-type": "text/plain" } });
    if (ctx.req.method !== "POST")
      throw new XinError("http.method_not_allowed", "webhook events are POSTed", { status: 405 });
    const parsed = adapter.parse(body, binding);
    noteIgnored(deps.metrics, ctx.log, row.provider, parsed.skipped);
    let outcome: { inserted: number; duplicates: number };
    try {
      outcome = await committer.submit(row, parsed);
    } catch (e) {
      if (await deadLetterIfPermanent(deps, row, body, e))
        return new Response("ok", { headers: { "content-type": "text/plain" } });
      throw e;
    }
    ctx.log.debug("webhook accepted", {
      tenant_id: row.tenant_id,
      channel: row.provider,
      channel_id: row.id,
      batch_inserted: outcome.inserted,
      batch_duplicates: outcome.duplicates,
      statuses: parsed.statuses.length,
      skipped: parsed.skipped.length,
    });
    return new Response("ok", { headers: { "content-type": "text/plain" } });
  };
  const timed = async (ctx: RequestContext) => {
    const started = performance.now();
    try {
      return await handle(ctx);
    } finally {
      deps.onAck?.(performance.now() - started);
    }
  };
  router.get("/webhooks/:provider/:channel_id", timed);
  router.post("/webhooks/:provider/:channel_id", timed);
};
