import type { Db } from "../../runtime/db";
import { json, type Router } from "../../runtime/http";
import { authenticate, requireAdmin } from "../auth";

export type ApiDeps = { db: () => Db; instanceKey: string; status: () => Promise<unknown> };

/** The admin API under /api/v1. Every route authenticates first; tenant scope is applied in the query path. (/api/v1/tenants moved to admin.ts, issue 7.) */
export const registerApi = (router: Router, deps: ApiDeps) => {
  router.get("/api/v1/status", async (ctx) => {
    requireAdmin(await authenticate(ctx, deps));
    return json(await deps.status());
  });
};
