import { eq, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { XinError } from "../../runtime";
import type { Db } from "../../runtime/db";
import type { Wake } from "../../runtime/queue";
import { recordAudit, type Principal } from "../../tenancy";
import type { Actor } from "../../inbox";

/** What the admin-API areas need from the gateway. */
export type AdminDeps = { db: () => Db; instanceKey: string; wake: Wake; maxAttempts: number };

export const TenantQuery = {
  tenant: z.string().optional().describe("tenant id (admins: any; agents: only their own)"),
};

/**
 * The tenant a request may read: an agent is pinned to its own (asking for another is 403); an instance
 * admin sees all unless it narrows with `?tenant=`. null means "every tenant".
 */
export const tenantScope = (principal: Principal, requested?: string): string | null => {
  if (principal.tenant_id === null) return principal.role === "admin" ? (requested ?? null) : "\u0000none";
  if (requested && requested !== principal.tenant_id)
    throw new XinError("auth.forbidden", "this token cannot see that tenant", {
      status: 403,
      data: { field: "tenant" },
    });
  return principal.tenant_id;
};

/** The row filter for a scope from `tenantScope`: none for "every tenant", else the tenant's rows only. */
export const inScope = (tenantColumn: AnyPgColumn, scope: string | null): SQL | undefined =>
  scope ? eq(tenantColumn, scope) : undefined;

export const actorName = (principal: Principal) => `token:${principal.token_id}`;

/** The principal as the inbox's escalation actions see it, its acts recorded in the audit log. */
export const actorOf = (principal: Principal): Actor => ({
  agent_id: principal.token_id,
  name: actorName(principal),
  display_name: principal.name,
  tenantId: tenantScope(principal),
  audit: (tx, entry) => recordAudit(tx, entry),
});

export const notFound = (what: string) => new XinError(`${what}.not_found`, `no such ${what}`, { status: 404 });

export const IdParams = z.object({ id: z.string().min(1) });
