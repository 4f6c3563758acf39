import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { schema, transaction } from "../../runtime/db";
import { issueToken, listTokenRows, parseTtl, resolveTenant, revokeToken, tokenView as view } from "../../tenancy";
import { defineRoute, type ApiRoute } from "./define";
import { actorName, type AdminDeps, IdParams, inScope, TenantQuery, tenantScope } from "./scope";

const TokenView = z.object({
  id: z.string(),
  tenant_id: z.string().nullable(),
  name: z.string(),
  role: z.enum(["admin", "agent"]),
  expires_at: z.iso.datetime().nullable(),
  revoked_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
});
const NewTokenBody = z
  .object({
    role: z.enum(["admin", "agent"]),
    tenant: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe("tenant id or name; null only for an instance admin token"),
    name: z.string().trim().min(1).max(200),
    ttl: z
      .string()
      .refine((t) => parseTtl(t) !== null && parseTtl(t)! > 0, { message: "a duration like 30d, 12h, 45m" })
      .optional(),
  })
  .strict();

/** Tokens (the JWT itself is shown once, at creation) and the caller's own identity. */
export const tokenRoutes = (deps: AdminDeps): ApiRoute[] => [
  defineRoute({
    method: "GET",
    path: "/api/v1/me",
    tag: "tokens",
    summary: "Who this token is: id, role, tenant, name.",
    response: z.object({
      token_id: z.string(),
      role: z.enum(["admin", "agent"]),
      tenant_id: z.string().nullable(),
      name: z.string(),
    }),
    handle: async ({ principal }) => principal,
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/tokens",
    tag: "tokens",
    summary: "List tokens (admins), newest last; revoked ones included with revoked_at.",
    admin: true,
    query: z.object(TenantQuery),
    response: z.object({ data: z.array(TokenView), next_cursor: z.null() }),
    handle: async ({ principal, query }) => {
      const scope = tenantScope(
        principal,
        query.tenant ? (await resolveTenant(deps.db(), query.tenant)).id : undefined,
      );
      return { data: (await listTokenRows(deps.db(), scope)).map(view), next_cursor: null };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/tokens",
    tag: "tokens",
    summary: "Issue a token. The JWT is in the answer once and never stored.",
    admin: true,
    body: NewTokenBody,
    status: 201,
    response: TokenView.extend({ token: z.string() }),
    handle: async ({ principal, body }) => {
      // A tenant-scoped admin issues tokens of its own tenant only; an unknown tenant is 404 either way.
      const ref = body.tenant ?? principal.tenant_id;
      const tenant = ref === null ? null : tenantScope(principal, (await resolveTenant(deps.db(), ref)).id);
      const issued = await transaction(deps.db(), ({ tx }) =>
        issueToken(
          tx,
          deps.instanceKey,
          { role: body.role, tenant_id: tenant, name: body.name, ttl_seconds: body.ttl ? parseTtl(body.ttl) : null },
          actorName(principal),
        ),
      );
      const [row] = await deps.db().select().from(schema.tokens).where(eq(schema.tokens.id, issued.id));
      return { ...view(row), token: issued.token };
    },
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/tokens/:id",
    tag: "tokens",
    summary: "Revoke a token: every later request with it is 401.",
    admin: true,
    resource: "token",
    params: IdParams,
    response: TokenView,
    handle: async ({ principal, params }) =>
      view(
        await transaction(deps.db(), ({ tx }) =>
          revokeToken(tx, params.id, tenantScope(principal), actorName(principal)),
        ),
      ),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/agents",
    tag: "tokens",
    summary: "Agents of the tenant: the names behind active agent tokens.",
    query: z.object(TenantQuery),
    response: z.object({
      data: z.array(z.object({ token_id: z.string(), name: z.string(), tenant_id: z.string().nullable() })),
      next_cursor: z.null(),
    }),
    handle: async ({ principal, query }) => {
      const scope = tenantScope(principal, query.tenant);
      const rows = await deps
        .db()
        .select({ token_id: schema.tokens.id, name: schema.tokens.name, tenant_id: schema.tokens.tenant_id })
        .from(schema.tokens)
        .where(
          and(
            eq(schema.tokens.role, "agent"),
            isNull(schema.tokens.revoked_at),
            inScope(schema.tokens.tenant_id, scope),
          ),
        )
        .orderBy(asc(schema.tokens.name));
      return { data: rows, next_cursor: null };
    },
  }),
];
