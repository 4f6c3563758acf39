import { and, eq, isNull } from "drizzle-orm";
import { jwtVerify, SignJWT } from "jose";
import { deriveKey, newId, XinError } from "../runtime";
import { schema, type Db, type Tx } from "../runtime/db";
import { recordAudit } from "./audit";

export type Role = "admin" | "agent";
/** Who a verified token speaks for. `tenant_id` null means instance-wide (admins only). */
export type Principal = { token_id: string; role: Role; tenant_id: string | null; name: string };

const ISSUER = "xin";
const signingKey = (instanceKey: string) => deriveKey(instanceKey, "jwt");

export type NewToken = { role: Role; tenant_id: string | null; name: string; ttl_seconds?: number | null };

/**
 * Issues a signed JWT (HS256 with a key derived from the instance key) and records its id (`jti`) so it
 * can be listed and revoked. An agent token must be scoped to a tenant.
 */
export const issueToken = async (
  tx: Tx,
  instanceKey: string,
  input: NewToken,
  actor: string,
): Promise<{ token: string; id: string }> => {
  if (input.role === "agent" && !input.tenant_id) {
    throw new XinError("token.tenant_required", "an agent token needs a tenant", {
      status: 400,
      exitCode: 2,
      data: { field: "tenant" },
    });
  }
  const id = newId("tok");
  const expires = input.ttl_seconds ? new Date(Date.now() + input.ttl_seconds * 1000) : null;
  await tx
    .insert(schema.tokens)
    .values({ id, tenant_id: input.tenant_id, name: input.name, role: input.role, expires_at: expires });
  await recordAudit(tx, {
    tenant_id: input.tenant_id,
    actor,
    action: "token.create",
    subject_type: "token",
    subject_id: id,
    after: { role: input.role, name: input.name, expires_at: expires?.toISOString() ?? null },
  });
  let jwt = new SignJWT({ role: input.role, tenant: input.tenant_id, name: input.name })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setJti(id)
    .setIssuedAt();
  if (expires) jwt = jwt.setExpirationTime(Math.floor(expires.getTime() / 1000));
  return { token: await jwt.sign(signingKey(instanceKey)), id };
};

const unauthorized = (why: string) => new XinError("auth.unauthorized", why, { status: 401 });

/**
 * Verifies signature, issuer and expiry, then that the token was issued here and is not revoked.
 * Every failure is `auth.unauthorized` (401) with a reason that reveals nothing secret.
 */
export const verifyToken = async (db: Db, instanceKey: string, token: string): Promise<Principal> => {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, signingKey(instanceKey), { issuer: ISSUER, algorithms: ["HS256"] }));
  } catch (e) {
    throw unauthorized((e as { code?: string }).code === "ERR_JWT_EXPIRED" ? "token expired" : "invalid token");
  }
  if (!payload.jti) throw unauthorized("invalid token");
  const [row] = await db
    .select()
    .from(schema.tokens)
    .where(and(eq(schema.tokens.id, payload.jti), isNull(schema.tokens.revoked_at)));
  if (!row) throw unauthorized("token revoked or unknown");
  return { token_id: row.id, role: row.role, tenant_id: row.tenant_id, name: row.name };
};
