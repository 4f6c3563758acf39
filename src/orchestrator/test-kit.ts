// Shared by this room's tests: a brand with a small knowledge base in memory, and pipeline deps.
// Not exported through index.ts; nothing outside tests imports it.
import { createChatClient } from "../llm";
import { analyzerFor, MemoryBackend, prepareSource, type BrandScope } from "../rag";
import { silentLogger } from "../runtime";
import type { PipelineDeps } from "./decide";
import { BUILT_IN_GUARDRAILS } from "./guardrails";
import { parsePolicies } from "./policies";
import type { BrandProfile } from "./types";

export const SHOP_DOCS: Record<string, string> = {
  "shipping.md":
    "# Shipping\n\n## Delivery times\n\nOrders within Germany arrive in 2 to 3 working days. Shipping to Austria and Switzerland takes 4 to 6 working days. Shipping is free for orders over 50 euros.\n",
  "returns.md":
    "# Returns\n\n## Return policy\n\nYou can return unworn items within 30 days of delivery. Refunds are paid to the original payment method within 5 days after we receive the parcel.\n",
  "care.md":
    "# Care\n\n## Washing\n\nWash merino wool sweaters by hand in cold water and dry them flat. Never tumble dry merino wool.\n",
};

export const brandProfile = (scope: BrandScope, policies: unknown = {}): BrandProfile => ({
  id: scope.brand_id,
  tenant_id: scope.tenant_id,
  name: "Wool & Co",
  persona: { name: "Wooly", tone: "friendly", language: "en", directives: [] },
  policies: parsePolicies(policies),
});

/**
 * A memory backend holding `docs` (plus `extra`) for `scope`, screened at ingest as always;
 * `unscreened` docs are stored with the ingest-time finding dropped, as knowledge stored before the
 * quarantine existed would be (what the answer-time check is the second line for).
 */
export const knowledgeFor = async (
  scope: BrandScope,
  extra: Record<string, string> = {},
  unscreened: Record<string, string> = {},
): Promise<MemoryBackend> => {
  const backend = new MemoryBackend(() => analyzerFor("en"));
  const docs = [
    ...Object.entries({ ...SHOP_DOCS, ...extra }).map(([s, t]) => [s, t, true] as const),
    ...Object.entries(unscreened).map(([s, t]) => [s, t, false] as const),
  ];
  for (const [source, text, screened] of docs) {
    const prepared = await prepareSource({ source, bytes: new TextEncoder().encode(text) });
    if (!prepared.ok) throw new Error(prepared.reason);
    const chunks = screened ? prepared.chunks : prepared.chunks.map(({ quarantine: _q, ...c }) => c);
    await backend.upsertSource({
      scope,
      meta: { source, hash: prepared.hash, format: prepared.format, title: prepared.title },
      chunks,
    });
  }
  return backend;
};

export const pipelineDeps = (backend: MemoryBackend, llmBaseUrl: string | null, maxRetries = 2): PipelineDeps => ({
  search: (r) => backend.search(r),
  chat: llmBaseUrl
    ? createChatClient(
        { base_url: llmBaseUrl, model: "fake-model", timeout_ms: 5_000, max_retries: maxRetries, max_tokens: 256 },
        { retryDelays: { baseDelayMs: 5, maxDelayMs: 20 } },
      )
    : null,
  guardrails: BUILT_IN_GUARDRAILS,
  config: { top_k: 4, min_confidence: 0.45 },
  log: silentLogger,
});
