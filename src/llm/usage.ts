/**
 * Usage accounting: tokens and latency per tenant and model, for budgets (per-tenant limits),
 * `/metrics` and persistence.
 *
 * Contract of `UsageMeter`: `record` is synchronous, cheap and never throws. The clients call it once
 * per finished call (success or failure), after the last attempt, with the tokens the provider
 * reported (or estimated, see `ChatResult.usage_source`). The in-memory meter keeps running totals
 * (since process start) and forwards every record to `onRecord`: the integrator's hook for Prometheus
 * counters and for writing rows; a hook that throws is logged, never propagated into an LLM call.
 */
import type { Logger } from "../runtime";

export type UsageKind = "chat" | "stream" | "embeddings";

/** Stands for "no tenant" (e.g. `xin eval`, health checks): usage is still counted, never dropped. */
export const UNATTRIBUTED_TENANT = "_";

export type UsageRecord = {
  tenant_id: string;
  model: string;
  kind: UsageKind;
  /** `ok` or the LlmError code the call failed with. */
  outcome: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  attempts: number;
};

export type UsageTotals = {
  tenant_id: string;
  model: string;
  calls: number;
  failures: number;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms_sum: number;
  latency_ms_max: number;
};

export type UsageMeter = { record(record: UsageRecord): void };

export type InMemoryUsageMeter = UsageMeter & {
  /** Totals per (tenant, model), sorted by tenant then model. Copies: safe to keep or mutate. */
  totals(): UsageTotals[];
  /** Totals of one tenant across its models (all zeros when it has none). */
  tenantTotals(tenantId: string): Omit<UsageTotals, "model">;
  reset(): void;
};

const empty = (tenant_id: string, model: string): UsageTotals => ({
  tenant_id,
  model,
  calls: 0,
  failures: 0,
  prompt_tokens: 0,
  completion_tokens: 0,
  latency_ms_sum: 0,
  latency_ms_max: 0,
});

export const createUsageMeter = (
  options: { onRecord?: (record: UsageRecord) => void; log?: Logger } = {},
): InMemoryUsageMeter => {
  // Keyed by tenant, then model: tenant totals are one map lookup.
  const byTenant = new Map<string, Map<string, UsageTotals>>();
  return {
    record(record) {
      let models = byTenant.get(record.tenant_id);
      if (!models) byTenant.set(record.tenant_id, (models = new Map()));
      let t = models.get(record.model);
      if (!t) models.set(record.model, (t = empty(record.tenant_id, record.model)));
      t.calls += 1;
      if (record.outcome !== "ok") t.failures += 1;
      t.prompt_tokens += record.prompt_tokens;
      t.completion_tokens += record.completion_tokens;
      t.latency_ms_sum += record.latency_ms;
      t.latency_ms_max = Math.max(t.latency_ms_max, record.latency_ms);
      if (!options.onRecord) return;
      try {
        options.onRecord(record);
      } catch (e) {
        options.log?.warn("usage hook failed", { err: e });
      }
    },
    totals() {
      const out: UsageTotals[] = [];
      for (const models of byTenant.values()) for (const t of models.values()) out.push({ ...t });
      return out.sort((a, b) => a.tenant_id.localeCompare(b.tenant_id) || a.model.localeCompare(b.model));
    },
    tenantTotals(tenantId) {
      const { model: _, ...sum }: UsageTotals = empty(tenantId, "");
      for (const t of byTenant.get(tenantId)?.values() ?? []) {
        sum.calls += t.calls;
        sum.failures += t.failures;
        sum.prompt_tokens += t.prompt_tokens;
        sum.completion_tokens += t.completion_tokens;
        sum.latency_ms_sum += t.latency_ms_sum;
        sum.latency_ms_max = Math.max(sum.latency_ms_max, t.latency_ms_max);
      }
      return sum;
    },
    reset() {
      byTenant.clear();
    },
  };
};

/** A meter that keeps nothing: the default when the integrator passes none. */
export const noopUsageMeter: UsageMeter = { record() {} };
