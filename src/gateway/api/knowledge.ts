import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { XinError } from "../../runtime";
import { schema, transaction, type Db } from "../../runtime/db";
import { json, type RequestContext, type Router } from "../../runtime/http";
import { enqueueJobs, type Wake } from "../../runtime/queue";
import { recordAudit, type Principal } from "../../tenancy";
import { authenticate, canSeeTenant } from "../auth";

export type BrandScopeRef = { id: string; tenant_id: string; name: string };

/** What the admin API needs of the knowledge base; the app passes it in (the gateway never runs retrieval itself). */
export type KnowledgeApi = {
  resolveBrand(ref: string, tenantId: string | null): Promise<BrandScopeRef>;
  search(scope: { tenant_id: string; brand_id: string }, query: string, k: number): Promise<unknown>;
  listSources(scope: { tenant_id: string; brand_id: string }): Promise<unknown[]>;
  removeSource(scope: { tenant_id: string; brand_id: string }, source: string): Promise<boolean>;
};

export type KnowledgeDeps = { db: () => Db; instanceKey: string; wake: Wake; maxAttempts: number; knowledge: KnowledgeApi };

const IngestBody = z
  .object({
    inputs: z.array(z.string().min(1)).min(1).max(1000),
    prune: z.boolean().default(false),
    crawl: z.object({ max_pages: z.number().int().min(1).max(10_000), max_depth: z.number().int().min(0).max(20) }).strict().optional(),
  })
  .strict();

const bad = (message: string, field: string) => new XinError("api.invalid", message, { status: 400, data: { field } });

/** Brand routes take an id, slug or name; an agent only ever resolves brands of its own tenant. */
const brandOf = async (ctx: RequestContext, deps: KnowledgeDeps): Promise<{ principal: Principal; brand: BrandScopeRef }> => {
  const principal = await authenticate(ctx, deps);
  const brand = await deps.knowledge.resolveBrand(ctx.params.brand, principal.tenant_id);
  if (!canSeeTenant(principal, brand.tenant_id)) throw new XinError("brand.not_found", "no such brand", { status: 404 });
  return { principal, brand };
};

export const registerKnowledgeApi = (router: Router, deps: KnowledgeDeps) => {
  router.post("/api/v1/brands/:brand/ingest", async (ctx) => {
    const { principal, brand } = await brandOf(ctx, deps);
    const body = IngestBody.safeParse(await ctx.json());
    if (!body.success) throw bad(`invalid ingest request: ${body.error.issues[0]?.message}`, String(body.error.issues[0]?.path[0] ?? "body"));
    const [id] = await transaction(deps.db(), async (tx) => {
      const ids = await enqueueJobs(tx, deps.wake, [{ kind: "ingest", tenant_id: brand.tenant_id, key: `ingest:${brand.id}`, payload: { tenant_id: brand.tenant_id, brand_id: brand.id, ...body.data } }], deps.maxAttempts);
      await recordAudit(tx.tx, { tenant_id: brand.tenant_id, actor: `token:${principal.token_id}`, action: "knowledge.ingest", subject_type: "brand", subject_id: brand.id, after: body.data });
      return ids;
    });
    return json({ job_id: id, brand_id: brand.id }, 202);
  });

  router.get("/api/v1/brands/:brand/search", async (ctx) => {
    const { brand } = await brandOf(ctx, deps);
    const q = ctx.url.searchParams.get("q") ?? "";
    const k = Math.min(100, Math.max(1, Number(ctx.url.searchParams.get("k") ?? 8) || 8));
    if (!q.trim()) throw bad("q is required", "q");
    return json(await deps.knowledge.search({ tenant_id: brand.tenant_id, brand_id: brand.id }, q, k));
  });

  router.get("/api/v1/brands/:brand/sources", async (ctx) => {
    const { brand } = await brandOf(ctx, deps);
    return json({ data: await deps.knowledge.listSources({ tenant_id: brand.tenant_id, brand_id: brand.id }) });
  });

  router.add("DELETE", "/api/v1/brands/:brand/sources", async (ctx) => {
    const { principal, brand } = await brandOf(ctx, deps);
    const source = ctx.url.searchParams.get("source");
    if (!source) throw bad("source is required", "source");
    const removed = await deps.knowledge.removeSource({ tenant_id: brand.tenant_id, brand_id: brand.id }, source);
    if (!removed) throw new XinError("knowledge.source_not_found", "no such source in this brand", { status: 404 });
    await transaction(deps.db(), ({ tx }) =>
      recordAudit(tx, { tenant_id: brand.tenant_id, actor: `token:${principal.token_id}`, action: "knowledge.remove", subject_type: "source", subject_id: source, before: { source } }),
    );
    return json({ removed: true });
  });

  router.get("/api/v1/jobs/:id", async (ctx) => {
    const principal = await authenticate(ctx, deps);
    const id = Number(ctx.params.id);
    if (!Number.isSafeInteger(id)) throw new XinError("job.not_found", "no such job", { status: 404 });
    const [job] = await deps.db().select().from(schema.jobs).where(and(eq(schema.jobs.id, id)));
    if (!job || (job.tenant_id ? !canSeeTenant(principal, job.tenant_id) : principal.role !== "admin")) {
      throw new XinError("job.not_found", "no such job", { status: 404 });
    }
    return json({ id: job.id, kind: job.kind, state: job.state, attempts: job.attempts, progress: job.progress, last_error: job.last_error, created_at: job.created_at, finished_at: job.finished_at });
  });
};
