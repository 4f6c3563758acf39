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
  const inScope = async (id: string, tenantId: string | null) => {
    if (!(await findChannelRow(deps.db(), id, tenantId))) throw notFound("channel");
  };
  return [
    defineRoute({
      method: "POST",
      path: "/api/v1/channels/:id/test",
      tag: "channels",
      summary: "Check the channel's credentials with its provider.",
      resource: "channel",
      params: IdParams,
      response: z.object({ id: z.string(), provider: z.string(), result: z.string() }),
      handle: async ({ principal, params }) => {
        const scope = tenantScope(principal);
        await inScope(params.id, scope);
        return deps.ops.test(params.id, scope);
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/v1/channels/:id/webhook",
      tag: "channels",
      summary:
        "What the provider says about delivering this channel's webhooks (Telegram getWebhookInfo, Meta subscribed_apps), judged ok/warn/fail with the fix.",
      resource: "channel",
      params: IdParams,
      response: WebhookVerdict,
      handle: async ({ principal, params }) => {
        const scope = tenantScope(principal);
        await inScope(params.id, scope);
        return deps.ops.webhook(params.id, scope);
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/v1/channels/:id/connect",
      tag: "channels",
      summary:
        "Register the channel's webhook with its provider (Telegram setWebhook; Meta's is set in its dashboard).",
      resource: "channel",
      params: IdParams,
      response: z.object({ id: z.string(), result: z.string() }),
      handle: async ({ principal, params }) => {
        const scope = tenantScope(principal);
        await inScope(params.id, scope);
        return deps.ops.connect(params.id, scope);
      },
    }),
  ];
};
