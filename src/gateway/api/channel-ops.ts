import { json, type Router } from "../../runtime/http";
import type { Db } from "../../runtime/db";
import { authenticate, requireAdmin } from "../auth";

/** Provider-facing channel operations the app performs; the gateway only authorizes and routes. */
export type ChannelOps = {
  test(id: string, tenantId: string | null): Promise<{ id: string; provider: string; result: string }>;
  connect(id: string, tenantId: string | null): Promise<{ id: string; result: string }>;
  /** What the provider says about delivering webhooks to this instance, judged (`xin doctor`). */
  webhook(id: string, tenantId: string | null): Promise<{ id: string; provider: string; name: string | null; status: string; detail: string; fix: string | null }>;
};

/** `POST /api/v1/channels/:id/test|connect`, `GET …/:id/webhook` — admins, or agents for their own tenant's channels. */
export const registerChannelOps = (router: Router, deps: { db: () => Db; instanceKey: string; ops: ChannelOps }) => {
  router.post("/api/v1/channels/:id/test", async (ctx) => {
    const principal = await authenticate(ctx, deps);
    return json(await deps.ops.test(ctx.params.id, principal.tenant_id));
  });
  router.get("/api/v1/channels/:id/webhook", async (ctx) => {
    const principal = await authenticate(ctx, deps);
    return json(await deps.ops.webhook(ctx.params.id, principal.tenant_id));
  });
  router.post("/api/v1/channels/:id/connect", async (ctx) => {
    const principal = await authenticate(ctx, deps);
    if (principal.tenant_id === null) requireAdmin(principal);
    return json(await deps.ops.connect(ctx.params.id, principal.tenant_id));
  });
};
