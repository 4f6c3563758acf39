import { and, asc, eq, or, sql } from "drizzle-orm";
import { XinError } from "../runtime";
import { schema, type Db, type Tx } from "../runtime/db";
import { recordAudit } from "./audit";

export type TokenRow = typeof schema.tokens.$inferSelect;

/** What a listing shows of a token: never the JWT, which exists only in the answer that issued it. */
export const tokenView = (t: TokenRow) => ({
  id: t.id,
  tenant_id: t.tenant_id,
  name: t.name,
  role: t.role,
  expires_at: t.expires_at,
  revoked_at: t.revoked_at,
  created_at: t.created_at,
});
export type TokenView = ReturnType<typeof tokenView>;

/** A tenant by id or by its (unique) name; `tenant.not_found` (404, field `tenant`) otherwise. */
export const resolveTenant = async (db: Db | Tx, ref: string) => {
  const [row] = await db
    .select()
    .from(schema.tenants)
    .where(or(eq(schema.tenants.id, ref), eq(schema.tenants.name, ref)));
  if (!row)
    throw new XinError("tenant.not_found", `no tenant ${ref}`, { status: 404, exitCode: 2, data: { field: "tenant" } });
  return row;
};

/** `30d`, `12h`, `45m`, `2w`, `3600s` or plain seconds → seconds; null when it is none of these. */
export const parseTtl = (raw: string): number | null => {
  const m = /^(\d+)([smhdw]?)$/.exec(raw.trim());
  if (!m) return null;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as "" | "s" | "m" | "h" | "d" | "w"];
  return Number(m[1]) * unit;
};

export const listTokenRows = (db: Db | Tx, tenantId: string | null): Promise<TokenRow[]> =>
  db
    .select()
    .from(schema.tokens)
    .where(tenantId ? eq(schema.tokens.tenant_id, tenantId) : undefined)
    .orderBy(asc(schema.tokens.created_at));

/**
 * Revokes a token (idempotent: a second revoke keeps the first time). Scoped by tenant when given, so
 * another tenant's token is "not found". Audited. Every later request with the token is 401.
 */
export const revokeToken = async (tx: Tx, id: string, tenantId: string | null, actor: string): Promise<TokenRow> => {
  const [row] = await tx
    .update(schema.tokens)
    .set({ revoked_at: sql`coalesce(${schema.tokens.revoked_at}, now())` })
    .where(and(eq(schema.tokens.id, id), tenantId ? eq(schema.tokens.tenant_id, tenantId) : undefined))
    .returning();
  if (!row) throw new XinError("token.not_found", `no token ${id}`, { status: 404, exitCode: 2 });
  await recordAudit(tx, {
    tenant_id: row.tenant_id,
    actor,
    action: "token.revoke",
    subject_type: "token",
    subject_id: row.id,
    after: { revoked_at: row.revoked_at },
  });
  return row;
};
