import { eq } from "drizzle-orm";
import { z } from "zod";
import { XinError } from "../../runtime";
import { schema, transaction } from "../../runtime/db";
import { createTenant, listTenants } from "../../tenancy";
import { defineRoute, type ApiRoute } from "./define";
import { actorName, IdParams, notFound, tenantScope, type AdminDeps } from "./scope";

const TenantView = z.object({ id: z.string(), name: z.string(), created_at: z.iso.datetime() });
const view = (t: { id: string; name: string; created_at: Date }) => ({
  id: t.id,
  name: t.name,
  created_at: t.created_at,
});

/** Tenants. Only an instance admin (a token without a tenant) creates them; others see their own. */
export const tenantRoutes = (deps: AdminDeps): ApiRoute[] => [
  defineRoute({
    method: "GET",
    path: "/api/v1/tenants",
    tag: "tenants",
    summary: "List the tenants this token may see.",
    response: z.object({ data: z.array(TenantView), next_cursor: z.null() }),
    handle: async ({ principal }) => {
      const scope = tenantScope(principal);
      return {
        data: (await listTenants(deps.db())).filter((t) => scope === null || t.id === scope).map(view),
        next_cursor: null,
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/tenants/:id",
    tag: "tenants",
    summary: "One tenant.",
    resource: "tenant",
    params: IdParams,
    response: TenantView,
    handle: async ({ principal, params }) => {
      const scope = tenantScope(principal);
      const [row] = await deps.db().select().from(schema.tenants).where(eq(schema.tenants.id, params.id));
      if (!row || (scope !== null && row.id !== scope)) throw notFound("tenant");
      return view(row);
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/tenants",
    tag: "tenants",
    summary: "Create a tenant (instance admins only).",
    admin: true,
    body: z.object({ name: z.string().trim().min(1).max(200) }).strict(),
    status: 201,
    response: TenantView,
    handle: async ({ principal, body }) => {
      if (principal.tenant_id !== null)
        throw new XinError("auth.forbidden", "only an instance admin creates tenants", { status: 403 });
      return view(await transaction(deps.db(), ({ tx }) => createTenant(tx, body.name, actorName(principal))));
    },
  }),
];
