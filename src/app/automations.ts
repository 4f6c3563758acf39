import { asc, eq } from "drizzle-orm";
import { join } from "node:path";
import { BlobStore, XinError, silentLogger, type Logger } from "../runtime";
import { schema, type Store } from "../runtime/db";
import { resolveTenant } from "../tenancy";
import { runAutomation, type RunOutcome } from "../workers";

/** An automation as `xin automation` prints it, the same from the API and from the store. */
export type AutomationView = {
  id: string;
  tenant_id: string;
  brand_id: string | null;
  kind: string;
  schedule: string;
  config: Record<string, unknown>;
  enabled: boolean;
  last_run_at: string | null;
  created_at: string;
};

type Row = typeof schema.automations.$inferSelect;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const automationView = (r: Row | AutomationView): AutomationView => ({
  id: r.id,
  tenant_id: r.tenant_id,
  brand_id: r.brand_id,
  kind: r.kind,
  schedule: r.schedule,
  config: r.config,
  enabled: r.enabled,
  last_run_at: iso(r.last_run_at),
  created_at: iso(r.created_at) ?? "",
});

/** The store side of `xin automation list` (the API's GET /api/v1/automations). */
export const listAutomationsOnStore = async (store: Store, tenant: string | null): Promise<AutomationView[]> => {
  const tenantId = tenant === null ? null : (await resolveTenant(store.db, tenant)).id;
  const rows = await store.db
    .select()
    .from(schema.automations)
    .where(tenantId === null ? undefined : eq(schema.automations.tenant_id, tenantId))
    .orderBy(asc(schema.automations.created_at));
  return rows.map(automationView);
};

export const showAutomationOnStore = async (store: Store, id: string): Promise<AutomationView> => {
  const [row] = await store.db.select().from(schema.automations).where(eq(schema.automations.id, id));
  if (!row)
    throw new XinError("automation.not_found", `no automation ${id}`, { status: 404, hint: "xin automation list" });
  return automationView(row);
};

/**
 * `xin automation run-now` with no server: runs it here, at once (the server's route queues it for a
 * worker instead). What it sends goes to the queue and out when `xin serve` runs.
 */
export const runAutomationOnStore = async (
  store: Store,
  id: string,
  options: { maxAttempts: number; dataDir: string; log?: Logger },
): Promise<RunOutcome> => {
  await showAutomationOnStore(store, id);
  // The instance's blob store, as `xin serve` opens it (create-app.ts): a purge removes files there.
  const blobs = new BlobStore(join(options.dataDir, "blobs"));
  return runAutomation(
    { db: () => store.db, wake: null, maxAttempts: options.maxAttempts, blobs, log: options.log ?? silentLogger },
    id,
    new Date(),
    { manual: true, actor: "cli" },
  );
};
