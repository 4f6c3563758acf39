import { XinError } from "../runtime";
import type { Db } from "../runtime/db";
import type { RequestContext } from "../runtime/http";
import { verifyToken, type Principal } from "../tenancy";

export type AuthDeps = { db: () => Db; instanceKey: string };

/** The caller of an admin API request, from `Authorization: Bearer <jwt>`; 401 without a valid one. */
export const authenticate = async (ctx: RequestContext, deps: AuthDeps): Promise<Principal> => {
  const header = ctx.req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new XinError("auth.unauthorized", "missing bearer token", { status: 401 });
  return verifyToken(deps.db(), deps.instanceKey, match[1]);
};

export const requireAdmin = (principal: Principal) => {
  if (principal.role !== "admin") throw new XinError("auth.forbidden", "this needs an admin token", { status: 403 });
};

/** Tenant scoping: an agent sees only its tenant; an instance admin sees all. */
export const canSeeTenant = (principal: Principal, tenantId: string) =>
  principal.tenant_id === null ? principal.role === "admin" : principal.tenant_id === tenantId;
