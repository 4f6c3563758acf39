import type { Db } from "../../runtime/db";
import { json, type Router } from "../../runtime/http";
import { listTenants } from "../../tenancy";
import { authenticate, canSeeTenant, requireAdmin } from "../auth";

export type ApiDeps = { db: () => Db; instanceKey: string; status: () => Promise<unknown> };

/** The admin API under /api/v1. Every route authenticates first; tenant scope is applied in the query path. */
export const registerApi = (router: Router, deps: ApiDeps) => {
  router.get("/api/v1/tenants", async (ctx) => {
    const principal = await authenticate(ctx, deps);
    const tenants = (await listTenants(deps.db())).filter((t) => canSeeTenant(principal, t.id));
    return json({ data: tenants.map((t) => ({ id: t.id, name: t.name, created_at: t.created_at })) });
  });

  router.get("/api/v1/status", async (ctx) => {
    requireAdmin(await authenticate(ctx, deps));
    return json(await deps.status());
  });
};
