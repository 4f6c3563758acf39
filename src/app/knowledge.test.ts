import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStores } from "../../test/support/db";
import { EgressGuard } from "../runtime/net";
import { startOpenAIFake, type OpenAIFake } from "../../test/support/fakes/openai";
import { createEmbeddingsClient } from "../llm";
import { configSchema, embeddingsConfigSchema } from "../runtime/config";
import { transaction } from "../runtime/db";
import { createBrand, createTenant } from "../tenancy";
import { BlobStore, silentLogger } from "../runtime";
import { enqueueJobs, QueueRunner, Wake } from "../runtime/queue";
import { jobHandlers, REEMBED_SCAN_JOB } from "../workers";
import { createEmbedder, createKnowledgeBackend, ingestIntoBrand, resolveBrand, searchKnowledge } from "./knowledge";

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
    writeFileSync(
      join(docs, "faq", "kites.md"),
      "# Kites\n\nOur kites fly in light wind.\n\n## Repairs\n\nTorn kites are repaired for free.\n",
    );
    const embedder = createEmbeddingsClient(
      embeddingsConfigSchema.parse({ base_url: `${fake.url}/v1`, model: "fake-embed", api_key: "emb-key" }),
    );
    const dataDir = mkdtempSync(join(tmpdir(), "xin-blobs-"));
    const config = configSchema.parse({
      data_dir: dataDir,
      instance_key: "k".repeat(40),
      embeddings: { base_url: `${fake.url}/v1`, model: "fake-embed", api_key: "emb-key" },
    });
    const summary = await ingestIntoBrand({
      db: () => db.db,
      dataDir,
      scope,
      inputs: [docs],
      prune: false,
      embedder,
      config,
    });
    expect(summary.added).toEqual([join(docs, "faq", "kites.md")]);
    const rows =
      await db.sql`select count(*)::int as n, count(embedding)::int as e from chunks where brand_id = ${scope.brand_id}`;
    expect(rows[0].n).toBeGreaterThan(0);
    expect(rows[0].e).toBe(rows[0].n);
    const backend = createKnowledgeBackend(() => db.db, config);
    const hybrid = await searchKnowledge(backend, embedder, scope, "repair torn kite", 3);
    expect(hybrid.mode).toBe("hybrid");
    expect(hybrid.hits[0].chunk.text).toContain("repaired for free");
    const down = createEmbeddingsClient(
      embeddingsConfigSchema.parse({ base_url: "http://127.0.0.1:9/v1", model: "x", max_retries: 0, timeout_ms: 500 }),
    );
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
    const config = configSchema.parse({
      data_dir: "/tmp/x",
      instance_key: "k".repeat(40),
      retrieval: { backend: "qdrant", qdrant_url: qdrant.url },
    });
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
    expect(
      (await backend.search({ scope: { tenant_id: "ten_other", brand_id: "brd_q" }, query: "saturday opening" })).hits,
    ).toEqual([]);
    const searches = qdrant.requests.filter((r) => r.path.includes("/points/query"));
    expect(searches.length).toBeGreaterThan(0);
    for (const r of searches) expect(r.text).toContain("tenant_id");
  } finally {
    await qdrant.stop();
  }
});

describeStores("re-embedding after a model change", (getDb) => {
  test("the scan queues the brand, every chunk gets the new model's vectors, and search turns hybrid again", async () => {
    const db = getDb();
    const scope = await transaction(db.db, async ({ tx }) => {
      const t = await createTenant(tx, `r-${crypto.randomUUID()}`, "test");
      const b = await createBrand(tx, t.id, "Surf Shop", "test");
      return { tenant_id: t.id, brand_id: b.id };
    });
    const docs = mkdtempSync(join(tmpdir(), "xin-docs-"));
    writeFileSync(join(docs, "a.md"), "# Boards\n\nLongboards suit beginners.\n");
    writeFileSync(join(docs, "b.md"), "# Wetsuits\n\nWetsuits are rinsed in fresh water.\n");
    const dataDir = mkdtempSync(join(tmpdir(), "xin-blobs-"));
    const base = { data_dir: dataDir, instance_key: "k".repeat(40) };
    const oldConfig = configSchema.parse({
      ...base,
      embeddings: { base_url: `${fake.url}/v1`, model: "old-model", api_key: "emb-key", dimensions: 16 },
    });
    await ingestIntoBrand({
      db: () => db.db,
      dataDir,
      scope,
      inputs: [docs],
      prune: false,
      embedder: createEmbedder(oldConfig),
      config: oldConfig,
    });

    const newConfig = configSchema.parse({
      ...base,
      embeddings: { base_url: `${fake.url}/v1`, model: "new-model", api_key: "emb-key", dimensions: 32 },
    });
    const embedder = createEmbedder(newConfig)!;
    const during = await searchKnowledge(
      createKnowledgeBackend(() => db.db, newConfig),
      embedder,
      scope,
      "rinse wetsuit",
      3,
    );
    expect(during.mode).toBe("lexical"); // old vectors are never compared with new-model queries
    expect(during.hits[0].chunk.text).toContain("fresh water");

    const wake = new Wake();
    const handlers = jobHandlers({
      db: () => db.db,
      sql: db.sql,
      instanceKey: "k".repeat(40),
      wake,
      maxAttempts: 3,
      blobs: new BlobStore(dataDir),
      retentionDays: 7,
      mediaMaxBytes: 1 << 20,
      egress: new EgressGuard(),
      knowledge: createKnowledgeBackend(() => db.db, newConfig),
      embed: (texts, tenantId) => embedder.embed(texts, { tenantId }),
      embeddingModel: "new-model",
    });
    const runner = new QueueRunner(
      db.sql,
      handlers,
      {
        concurrency: 2,
        max_attempts: 3,
        backoff_base_ms: 10,
        backoff_max_ms: 50,
        lease_ms: 30_000,
        poll_interval_ms: 50,
      },
      wake,
      silentLogger,
    );
    runner.start();
    await transaction(db.db, (ctx) => enqueueJobs(ctx, wake, [{ kind: REEMBED_SCAN_JOB }], 3));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [r] =
        await db.sql`select count(*) filter (where embedding_model = 'new-model')::int as done, count(*)::int as n from chunks where brand_id = ${scope.brand_id}`;
      if (r.done === r.n) break;
      if (Date.now() > deadline) throw new Error("re-embedding did not finish");
      await Bun.sleep(50);
    }
    await runner.stop(Date.now() + 2000);
    const after = await searchKnowledge(
      createKnowledgeBackend(() => db.db, newConfig),
      embedder,
      scope,
      "rinse wetsuit",
      3,
    );
    expect(after.mode).toBe("hybrid");
    expect(after.hits[0].chunk.text).toContain("fresh water");
  });
});
