import { z } from "zod";
import type { Db } from "../../runtime/db";
import { findChannelRow } from "../../tenancy";
import { defineRoute, type ApiRoute } from "./define";
import { IdParams, notFound, tenantScope } from "./scope";

/** Provider-facing channel operations the app performs; the gateway only authorizes and routes. */
export type ChannelOps = {
  test(id: string, tenantId: string | null): Promise<{ id: string; provider: string; result: string }>;
  connect(id: string, tenantId: string | null): Promise<{ id: string; result: string }>;
  /** What the provider says about delivering webhooks to this instance, judged (`xin doctor`). */
  webhook(id: string, tenantId: string | null): Promise<z.infer<typeof WebhookVerdict>>;
};

const WebhookVerdict = z.object({
  id: z.string(),
  provider: z.string(),
  name: z.string().nullable(),
  status: z.enum(["ok", "warn", "fail", "skip"]),
  detail: z.string(),
  fix: z.string().nullable(),
});

/**
 * `POST /api/v1/channels/:id/test|connect`, `GET …/:id/webhook` — admins, or agents for their own tenant's channels. The
 * channel is looked up in the caller's scope here, so another tenant's channel is a 404 before the
 * app calls any provider.
 */
export const channelOpRoutes = (deps: { db: () => Db; ops: ChannelOps }): ApiRoute[] => {
  /** One operation on a channel of the caller's scope: looked up here first, then handed to the app. */
  const channelOp = <R extends z.ZodType>(
    method: "GET" | "POST",
    operation: "test" | "webhook" | "connect",
    summary: string,
    response: R,
    run: (id: string, scope: string | null) => Promise<z.infer<R>>,
  ) =>
    defineRoute({
      method,
      path: `/api/v1/channels/:id/${operation}`,
      tag: "channels",
      summary,
      resource: "channel",
      params: IdParams,
      response,
      handle: async ({ principal, params }) => {
        const scope = tenantScope(principal);
        if (!(await findChannelRow(deps.db(), params.id, scope))) throw notFound("channel");
        return run(params.id, scope);
      },
    });
  return [
    channelOp(
      "POST",
      "test",
      "Check the channel's credentials with its provider.",
      z.object({ id: z.string(), provider: z.string(), result: z.string() }),
      (id, scope) => deps.ops.test(id, scope),
    ),
    channelOp(
      "GET",
      "webhook",
      "What the provider says about delivering this channel's webhooks (Telegram getWebhookInfo, Meta subscribed_apps), judged ok/warn/fail with the fix.",
      WebhookVerdict,
      (id, scope) => deps.ops.webhook(id, scope),
    ),
    channelOp(
      "POST",
      "connect",
      "Register the channel's webhook with its provider (Telegram setWebhook; Meta's is set in its dashboard).",
      z.object({ id: z.string(), result: z.string() }),
      (id, scope) => deps.ops.connect(id, scope),
    ),
  ];
};
