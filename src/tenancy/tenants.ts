import { asc, eq } from "drizzle-orm";
import { newId, XinError } from "../runtime";
import { schema, type Db, type Tx } from "../runtime/db";
import { recordAudit } from "./audit";

export type Tenant = typeof schema.tenants.$inferSelect;
export type Brand = typeof schema.brands.$inferSelect;

export const slugify = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48) || "brand";

/** Creates a tenant; its name is unique on the instance (`tenant.exists`, 409, otherwise). */
export const createTenant = async (tx: Tx, name: string, actor: string): Promise<Tenant> => {
  const existing = await tx.select().from(schema.tenants).where(eq(schema.tenants.name, name));
  if (existing.length)
    throw new XinError("tenant.exists", `a tenant named "${name}" exists`, { status: 409, data: { field: "name" } });
  const id = newId("ten");
  const [tenant] = await tx.insert(schema.tenants).values({ id, tenant_id: id, name }).returning();
  await recordAudit(tx, {
    tenant_id: id,
    actor,
    action: "tenant.create",
    subject_type: "tenant",
    subject_id: id,
    after: { name },
  });
  return tenant;
};

export const listTenants = (db: Db | Tx): Promise<Tenant[]> =>
  db.select().from(schema.tenants).orderBy(asc(schema.tenants.created_at));

/** Creates a brand with a default persona derived from its name. */
export const createBrand = async (tx: Tx, tenantId: string, name: string, actor: string): Promise<Brand> => {
  const persona = { name, tone: "friendly and concise", language: "en", directives: [] as string[] };
  const [brand] = await tx
    .insert(schema.brands)
    .values({ id: newId("brd"), tenant_id: tenantId, name, slug: slugify(name), persona })
    .returning();
  await recordAudit(tx, {
    tenant_id: tenantId,
    actor,
    action: "brand.create",
    subject_type: "brand",
    subject_id: brand.id,
    after: { name, persona },
  });
  return brand;
};

export const listBrands = (db: Db | Tx, tenantId: string): Promise<Brand[]> =>
  db.select().from(schema.brands).where(eq(schema.brands.tenant_id, tenantId)).orderBy(asc(schema.brands.created_at));
