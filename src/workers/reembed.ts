import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import { encodeVector } from "../rag";
import { schema, transaction, type Db } from "../runtime/db";
import { enqueueJobs, type JobHandler, type Wake } from "../runtime/queue";

export const REEMBED_SCAN_JOB = "knowledge.reembed_scan";
export const REEMBED_JOB = "knowledge.reembed";

const stale = (model: string) => or(isNull(schema.chunks.embedding_model), ne(schema.chunks.embedding_model, model));

/** Finds brands with chunks not embedded by the configured model and queues one re-embed job per brand. */
export const reembedScanHandler =
  (deps: { db: () => Db; wake: Wake; model: string; maxAttempts: number }): JobHandler =>
  async (_job, ctx) => {
    const brands = await deps
      .db()
      .selectDistinct({ tenant_id: schema.chunks.tenant_id, brand_id: schema.chunks.brand_id })
      .from(schema.chunks)
      .where(stale(deps.model));
    await transaction(deps.db(), async (tx) => {
      await enqueueJobs(
        tx,
        deps.wake,
        brands.map((b) => ({ kind: REEMBED_JOB, tenant_id: b.tenant_id, key: `reembed:${b.brand_id}`, payload: b })),
        deps.maxAttempts,
      );
      await ctx.completeIn(tx);
    });
    if (brands.length) ctx.log.info("re-embedding queued", { brands: brands.length, model: deps.model });
  };

/**
 * Re-embeds a brand's knowledge with the configured model, one source at a time, in the background.
 * Each source's vectors and model change in one transaction that also bumps the brand's knowledge
 * revision, so search picks the source up with its new vectors; until then it is found lexically
 * (vectors of another model are never searched). Safe to repeat: done sources are skipped.
 */
export const reembedHandler =
  (deps: {
    db: () => Db;
    model: string;
    embed: (texts: string[], tenantId: string) => Promise<Float32Array[]>;
  }): JobHandler =>
  async (job, ctx) => {
    const { tenant_id, brand_id } = job.payload as { tenant_id: string; brand_id: string };
    let sources = 0;
    for (;;) {
      if (ctx.signal.aborted) throw new Error("stopped");
      const [next] = await deps
        .db()
        .select({ source_id: schema.chunks.source_id })
        .from(schema.chunks)
        .where(and(eq(schema.chunks.tenant_id, tenant_id), eq(schema.chunks.brand_id, brand_id), stale(deps.model)))
        .limit(1);
      if (!next) break;
      const rows = await deps
        .db()
        .select({ id: schema.chunks.id, text: schema.chunks.text })
        .from(schema.chunks)
        .where(and(eq(schema.chunks.tenant_id, tenant_id), eq(schema.chunks.source_id, next.source_id)));
      const vectors = await deps.embed(
        rows.map((r) => r.text),
        tenant_id,
      );
      await transaction(deps.db(), async ({ tx }) => {
        for (let i = 0; i < rows.length; i++) {
          await tx
            .update(schema.chunks)
            .set({ embedding: encodeVector(vectors[i]), embedding_model: deps.model })
            .where(eq(schema.chunks.id, rows[i].id));
        }
        await tx
          .update(schema.brands)
          .set({ knowledge_revision: sql`${schema.brands.knowledge_revision} + 1` })
          .where(and(eq(schema.brands.id, brand_id), eq(schema.brands.tenant_id, tenant_id)));
      });
      sources++;
      await ctx.reportProgress({ phase: "running", sources_done: sources });
    }
    ctx.log.info("re-embedding done", { brand_id, sources, model: deps.model });
  };
