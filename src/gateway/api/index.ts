import { z } from "zod";
import { XinError } from "../../runtime";
import type { Db } from "../../runtime/db";
import { defineRoute, type ApiRoute } from "./define";

export type ApiDeps = { db: () => Db; instanceKey: string; status: () => Promise<unknown> };

/**
 * `GET /api/v1/status`: the instance as `xin status` shows it. It names every tenant, so only an
 * instance admin (a token without a tenant) may read it. The other areas live in their own files.
 */
export const statusRoutes = (deps: ApiDeps): ApiRoute[] => [
  defineRoute({
    method: "GET",
    path: "/api/v1/status",
    tag: "instance",
    summary: "Instance status: store, migrations, queue depth, tenants and counts (instance admins).",
    admin: true,
    response: z.record(z.string(), z.unknown()),
    handle: async ({ principal }) => {
      if (principal.tenant_id !== null)
        throw new XinError("auth.forbidden", "instance status needs an instance admin token", { status: 403 });
      return deps.status();
    },
  }),
];
