import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStores } from "../../test/support/db";
import { startOpenAIFake, type OpenAIFake } from "../../test/support/fakes/openai";
import { createEmbeddingsClient } from "../llm";
import { embeddingsConfigSchema } from "../runtime/config";
import { transaction } from "../runtime/db";
import { createBrand, createTenant } from "../tenancy";
import { createKnowledgeBackend, ingestIntoBrand, resolveBrand, searchKnowledge } from "./knowledge";

let fake: OpenAIFake;
beforeAll(() => {
  fake = startOpenAIFake({ apiKey: "emb-key" });
});
afterAll(async () => {
  await fake.stop();
});

describeStores("knowledge with embeddings", (getDb) => {
  test("ingest embeds every chunk; search embeds the query and runs hybrid; a down endpoint degrades to lexical", async () => {
    const db = getDb();
    const scope = await transaction(db.db, async ({ tx }) => {
      const t = await createTenant(tx, `k-${crypto.randomUUID()}`, "test");
      const b = await createBrand(tx, t.id, "Kite Shop", "test");
      return { tenant_id: t.id, brand_id: b.id };
    });
    const docs = mkdtempSync(join(tmpdir(), "xin-docs-"));
    mkdirSync(join(docs, "faq"));
    writeFileSync(join(docs, "faq", "kites.md"), "# Kites\n\nOur kites fly in light wind.\n\n## Repairs\n\nTorn kites are repaired for free.\n");
    const embedder = createEmbeddingsClient(embeddingsConfigSchema.parse({ base_url: `${fake.url}/v1`, model: "fake-embed", api_key: "emb-key" }));
    const dataDir = mkdtempSync(join(tmpdir(), "xin-blobs-"));
    const summary = await ingestIntoBrand({ db: () => db.db, dataDir, scope, inputs: [docs], prune: false, embedder });
    expect(summary.added).toEqual([join(docs, "faq", "kites.md")]);
    const rows = await db.sql`select count(*)::int as n, count(embedding)::int as e from chunks where brand_id = ${scope.brand_id}`;
    expect(rows[0].n).toBeGreaterThan(0);
    expect(rows[0].e).toBe(rows[0].n);
    const backend = createKnowledgeBackend(() => db.db);
    const hybrid = await searchKnowledge(backend, embedder, scope, "repair torn kite", 3);
    expect(hybrid.mode).toBe("hybrid");
    expect(hybrid.hits[0].chunk.text).toContain("repaired for free");
    const down = createEmbeddingsClient(embeddingsConfigSchema.parse({ base_url: "http://127.0.0.1:9/v1", model: "x", max_retries: 0, timeout_ms: 500 }));
    const degraded = await searchKnowledge(backend, down, scope, "repair torn kite", 3);
    expect(degraded.mode).toBe("lexical");
    expect(degraded.hits[0].chunk.text).toContain("repaired for free");
    expect((await resolveBrand(db.db, "kite-shop", scope.tenant_id)).id).toBe(scope.brand_id);
  });
});

test("retrieval.backend = qdrant sends ingestion and search to Qdrant, filtered by tenant and brand", async () => {
  const { startQdrantFake } = await import("../../test/support/fakes/qdrant");
  const qdrant = await startQdrantFake();
  try {
    const { configSchema } = await import("../runtime/config");
    const config = configSchema.parse({ data_dir: "/tmp/x", instance_key: "k".repeat(40), retrieval: { backend: "qdrant", qdrant_url: qdrant.url } });
    const backend = createKnowledgeBackend(() => {
      throw new Error("the qdrant backend must not touch Postgres");
    }, config);
    expect(backend.name).toBe("qdrant");
    const docs = mkdtempSync(join(tmpdir(), "xin-docs-"));
    writeFileSync(join(docs, "hours.md"), "# Hours\n\nThe shop opens at nine on Saturdays.\n");
    const scope = { tenant_id: "ten_q", brand_id: "brd_q" };
    const { runIngest } = await import("../rag");
    const summary = await runIngest({ backend, scope, inputs: [docs] });
    expect(summary.added.length).toBe(1);
    const hits = (await backend.search({ scope, query: "saturday opening", k: 3 })).hits;
    expect(hits[0].chunk.text).toContain("opens at nine");
    expect((await backend.search({ scope: { tenant_id: "ten_other", brand_id: "brd_q" }, query: "saturday opening" })).hits).toEqual([]);
    const searches = qdrant.requests.filter((r) => r.path.includes("/points/query"));
    expect(searches.length).toBeGreaterThan(0);
    for (const r of searches) expect(r.text).toContain("tenant_id");
  } finally {
    await qdrant.stop();
  }
});
