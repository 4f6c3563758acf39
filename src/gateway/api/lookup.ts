import { and, eq, or } from "drizzle-orm";
import { XinError } from "../../runtime";
import { schema, type Db, type Tx } from "../../runtime/db";

export type BrandRow = typeof schema.brands.$inferSelect;

/**
 * A brand by id or slug inside a tenant scope (null = every tenant). Another tenant's brand is simply
 * not found; a slug shared by two tenants, seen by an instance admin, must be given as an id.
 */
export const findBrand = async (
  db: Db | Tx,
  ref: string,
  tenantId: string | null,
  field = "brand",
): Promise<BrandRow> => {
  const rows = await db
    .select()
    .from(schema.brands)
    .where(
      and(
        or(eq(schema.brands.id, ref), eq(schema.brands.slug, ref)),
        tenantId ? eq(schema.brands.tenant_id, tenantId) : undefined,
      ),
    );
  if (rows.length === 0) throw new XinError("brand.not_found", `no brand ${ref}`, { status: 404, data: { field } });
  if (rows.length > 1)
    throw new XinError("brand.ambiguous", `several tenants have a brand ${ref}; use its id`, {
      status: 409,
      data: { field },
    });
  return rows[0];
};
