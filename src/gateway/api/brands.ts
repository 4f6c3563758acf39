import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { schema, transaction } from "../../runtime/db";
import { brandPoliciesInput, createBrand, recordAudit, resolveTenant } from "../../tenancy";
import { widgetSettingsInput } from "../widget";
import { defineRoute, type ApiRoute } from "./define";
import { findBrand, type BrandRow } from "./lookup";
import { actorName, type AdminDeps, IdParams, inScope, TenantQuery, tenantScope } from "./scope";

const Persona = z
  .object({
    name: z.string().min(1).max(100),
    tone: z.string().max(500),
    language: z.string().min(2).max(35),
    directives: z.array(z.string().max(2000)).max(50),
  })
  .strict();
const Json = z.record(z.string(), z.unknown());

const BrandView = z.object({
  id: z.string(),
  tenant_id: z.string(),
  name: z.string(),
  slug: z.string(),
  persona: Persona,
  policies: Json,
  widget: Json,
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
const view = (b: BrandRow) => ({
  id: b.id,
  tenant_id: b.tenant_id,
  name: b.name,
  slug: b.slug,
  persona: b.persona,
  policies: b.policies,
  widget: b.widget,
  created_at: b.created_at,
  updated_at: b.updated_at,
});

/** Brands: persona (voice), policies (blocked topics, authorization rules) and widget settings. */
export const brandRoutes = (deps: AdminDeps): ApiRoute[] => [
  defineRoute({
    method: "GET",
    path: "/api/v1/brands",
    tag: "brands",
    summary: "List brands.",
    query: z.object(TenantQuery),
    response: z.object({ data: z.array(BrandView), next_cursor: z.null() }),
    handle: async ({ principal, query }) => {
      const scope = tenantScope(principal, query.tenant);
      const rows = await deps
        .db()
        .select()
        .from(schema.brands)
        .where(inScope(schema.brands.tenant_id, scope))
        .orderBy(schema.brands.created_at);
      return { data: rows.map(view), next_cursor: null };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/brands",
    tag: "brands",
    summary: "Create a brand in a tenant (persona defaults from its name).",
    admin: true,
    body: z.object({ tenant: z.string().min(1), name: z.string().trim().min(1).max(200) }).strict(),
    status: 201,
    response: BrandView,
    handle: async ({ principal, body }) => {
      const tenant = tenantScope(principal, body.tenant) ?? body.tenant;
      return view(
        await transaction(deps.db(), async ({ tx }) => {
          // An unknown tenant is a 404 naming it, not a foreign-key failure.
          const row = await resolveTenant(tx, tenant);
          return createBrand(tx, row.id, body.name, actorName(principal));
        }),
      );
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/brands/:id",
    tag: "brands",
    summary: "One brand by id or slug.",
    resource: "brand",
    params: IdParams,
    response: BrandView,
    handle: async ({ principal, params }) => view(await findBrand(deps.db(), params.id, tenantScope(principal), "id")),
  }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/brands/:id",
    tag: "brands",
    summary: "Change a brand's name, persona, policies or widget settings; audited with before and after.",
    admin: true,
    resource: "brand",
    params: IdParams,
    body: z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        persona: Persona.optional(),
        policies: brandPoliciesInput.optional(),
        widget: widgetSettingsInput.optional(),
      })
      .strict(),
    response: BrandView,
    handle: async ({ principal, params, body }) =>
      view(
        await transaction(deps.db(), async ({ tx }) => {
          const before = await findBrand(tx, params.id, tenantScope(principal), "id");
          const [after] = await tx
            .update(schema.brands)
            .set({ ...body, updated_at: sql`now()` })
            .where(eq(schema.brands.id, before.id))
            .returning();
          const changed = Object.keys(body) as (keyof typeof body)[];
          await recordAudit(tx, {
            tenant_id: before.tenant_id,
            actor: actorName(principal),
            action: "brand.update",
            subject_type: "brand",
            subject_id: before.id,
            before: Object.fromEntries(changed.map((k) => [k, before[k]])),
            after: Object.fromEntries(changed.map((k) => [k, after[k]])),
          });
          return after;
        }),
      ),
  }),
];
