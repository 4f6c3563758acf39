import type { Sql } from "postgres";
import { acceptParsed } from "../inbox";
import { XinError, type Logger } from "../runtime";
import { transaction, type Db } from "../runtime/db";
import type { RequestContext, Router } from "../runtime/http";
import type { Wake } from "../runtime/queue";
import { bindChannel, findChannelRow } from "../tenancy";

export type WebhookDeps = { db: () => Db; sql: () => Sql; instanceKey: string; wake: Wake; maxAttempts: number; log: Logger };

const unknownChannel = () => new XinError("webhook.channel_unknown", "no such channel", { status: 404 });

/**
 * `/webhooks/<provider>/<channel_id>`: verify the raw bytes, parse, persist everything the request
 * carried and enqueue its follow-up jobs in ONE transaction, then answer 200. A provider's retry of
 * the same event is a no-op that still answers 200; a bad signature (401), a malformed payload (400)
 * or an unknown channel (404) writes nothing. Never waits for an LLM.
 */
export const registerWebhooks = (router: Router, deps: WebhookDeps) => {
  const handle = async (ctx: RequestContext) => {
    const row = await findChannelRow(deps.db(), ctx.params.channel_id);
    if (!row || row.provider !== ctx.params.provider || !row.enabled) throw unknownChannel();
    const { adapter, binding } = bindChannel(row, deps.instanceKey);
    const body = await ctx.body();
    const verdict = adapter.verify({ method: ctx.req.method, headers: ctx.req.headers, query: ctx.url.searchParams, body }, binding);
    if (verdict.kind === "challenge") return new Response(verdict.body, { headers: { "content-type": "text/plain" } });
    if (ctx.req.method !== "POST") throw new XinError("http.method_not_allowed", "webhook events are POSTed", { status: 405 });
    const parsed = adapter.parse(body, binding);
    const outcome = await transaction(deps.db(), (tx) => acceptParsed(tx, deps.wake, deps.maxAttempts, row, parsed));
    ctx.log.info("webhook accepted", {
      tenant_id: row.tenant_id,
      channel: row.provider,
      channel_id: row.id,
      messages: outcome.inserted,
      duplicates: outcome.duplicates,
      statuses: outcome.statuses_applied,
      skipped: parsed.skipped.length,
    });
    return new Response("ok", { headers: { "content-type": "text/plain" } });
  };
  router.get("/webhooks/:provider/:channel_id", handle);
  router.post("/webhooks/:provider/:channel_id", handle);
};
