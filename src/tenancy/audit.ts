import type { Tx } from "../runtime/db";
import { schema } from "../runtime/db";

export type AuditEntry = {
  tenant_id: string | null;
  /** Who: `cli`, `token:<id>`, `system`. */
  actor: string;
  action: string;
  subject_type: string;
  subject_id?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Appends to the audit log inside the caller's transaction: the change and its record commit together. */
export const recordAudit = async (tx: Tx, entry: AuditEntry): Promise<void> => {
  await tx.insert(schema.auditLog).values({
    tenant_id: entry.tenant_id,
    actor: entry.actor,
    action: entry.action,
    subject_type: entry.subject_type,
    subject_id: entry.subject_id ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
};
