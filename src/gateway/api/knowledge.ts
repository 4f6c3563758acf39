import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { XinError, type BlobStore } from "../../runtime";
import { schema, shareUploads, transaction, type Db } from "../../runtime/db";
import type { Router } from "../../runtime/http";
import type { EgressGuard } from "../../runtime/net";
import { enqueueJobs, type Wake } from "../../runtime/queue";
import { recordAudit, type Principal } from "../../tenancy";
import { canSeeTenant, requireAdmin } from "../auth";
import { defineRoute, registerRoutes, type ApiRoute } from "./define";
import { checkIngest, checkUrls, IngestBody, readIngestBody, storeUploads } from "./knowledge-upload";

export type BrandScopeRef = { id: string; tenant_id: string; name: string };

/** What the admin API needs of the knowledge base; the app passes it in (the gateway never runs retrieval itself). */
export type KnowledgeApi = {
  resolveBrand(ref: string, tenantId: string | null): Promise<BrandScopeRef>;
  search(scope: { tenant_id: string; brand_id: string }, query: string, k: number): Promise<unknown>;
  listSources(scope: { tenant_id: string; brand_id: string }): Promise<unknown[]>;
  removeSource(scope: { tenant_id: string; brand_id: string }, source: string): Promise<boolean>;
  /** Passages held back at ingest (and released ones), of the brand or one source. */
  listQuarantined(scope: { tenant_id: string; brand_id: string }, source?: string): Promise<unknown[]>;
  /** Releases held passages of a source (one, or all) and audits each; returns those released (none: nothing held there). */
  release(
    scope: { tenant_id: string; brand_id: string },
    source: string,
    ordinal: number | undefined,
    actor: string,
  ): Promise<unknown[]>;
};

export type KnowledgeDeps = {
  db: () => Db;
  instanceKey: string;
  wake: Wake;
  maxAttempts: number;
  knowledge: KnowledgeApi;
  /** Where uploaded files are kept for the ingest job (<data_dir>/blobs). */
  blobs: BlobStore;
  /** URL inputs are checked at once, so a refused address is a 400 and nothing is queued. */
  egress: EgressGuard;
  /** `server.upload_limit_bytes`: the ingest route's own body limit. */
  uploadLimitBytes: number;
};

const BrandParams = z.object({ brand: z.string().min(1).describe("brand id, slug or name") });
const ReleaseBody = z
  .object({
    source: z.string().min(1).describe("the source as listed"),
    passage: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("one passage number (as shown); omitted: every held-back passage of the source"),
  })
  .strict();

/** Brand routes take an id, slug or name; an agent only ever resolves brands of its own tenant. */
const brandOf = async (principal: Principal, ref: string, deps: KnowledgeDeps): Promise<BrandScopeRef> => {
  const brand = await deps.knowledge.resolveBrand(ref, principal.tenant_id);
  if (!canSeeTenant(principal, brand.tenant_id))
    throw new XinError("brand.not_found", "no such brand", { status: 404 });
  return brand;
};

/** Changing a brand's knowledge (ingest, remove) is for its tenant's admins and instance admins; agents read. */
const brandToChange = async (principal: Principal, ref: string, deps: KnowledgeDeps): Promise<BrandScopeRef> => {
  const brand = await brandOf(principal, ref, deps);
  requireAdmin(principal);
  return brand;
};

/** Knowledge sources, ingestion and search of a brand, and ingestion jobs: described like every admin route. */
export const knowledgeRoutes = (deps: KnowledgeDeps): ApiRoute[] => [
  defineRoute({
    method: "POST",
    path: "/api/v1/brands/:brand/ingest",
    tag: "knowledge",
    summary:
      "Queue an ingestion of uploaded files (JSON files[] or multipart/form-data) and http(s) URLs into the brand's knowledge (admins); follow the job at /api/v1/jobs/{id}.",
    resource: "brand",
    params: BrandParams,
    body: IngestBody,
    readBody: readIngestBody(deps.uploadLimitBytes),
    status: 202,
    response: z.object({ job_id: z.number().int(), brand_id: z.string() }),
    handle: async ({ principal, params, body }) => {
      const brand = await brandToChange(principal, params.brand, deps);
      const uploads = checkIngest(body);
      await checkUrls(deps.egress, body.inputs);
      const files = storeUploads(deps.blobs, uploads);
      const payload = {
        tenant_id: brand.tenant_id,
        brand_id: brand.id,
        urls: body.inputs,
        files,
        keep: body.keep,
        prune: body.prune,
        crawl: body.crawl,
      };
      const [id] = await transaction(deps.db(), async (tx) => {
        // Any instance on the database may run the job: the bytes travel through the store.
        await shareUploads(
          tx.tx,
          brand.tenant_id,
          files.map((f, i) => ({ blob: f.blob, bytes: uploads[i].bytes })),
        );
        const ids = await enqueueJobs(
          tx,
          deps.wake,
          [{ kind: "ingest", tenant_id: brand.tenant_id, key: `ingest:${brand.id}`, payload }],
          deps.maxAttempts,
        );
        const after = {
          urls: body.inputs,
          files: files.slice(0, 100).map((f) => ({ name: f.name, sha256: f.blob, size: f.size })),
          file_count: files.length,
          prune: body.prune,
        };
        await recordAudit(tx.tx, {
          tenant_id: brand.tenant_id,
          actor: `token:${principal.token_id}`,
          action: "knowledge.ingest",
          subject_type: "brand",
          subject_id: brand.id,
          after,
        });
        return ids;
      });
      return { job_id: id, brand_id: brand.id };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/brands/:brand/search",
    tag: "knowledge",
    summary: "Search the brand's knowledge as the answering pipeline does.",
    resource: "brand",
    params: BrandParams,
    query: z.object({
      q: z.string().trim().min(1, "q is required"),
      k: z.coerce.number().catch(8).default(8).describe("results (1–100)"),
    }),
    response: z.unknown(),
    handle: async ({ principal, params, query }) => {
      const brand = await brandOf(principal, params.brand, deps);
      const k = Math.min(100, Math.max(1, Math.trunc(query.k) || 8));
      return deps.knowledge.search({ tenant_id: brand.tenant_id, brand_id: brand.id }, query.q, k);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/brands/:brand/sources",
    tag: "knowledge",
    summary: "The brand's knowledge sources with their status and hashes.",
    resource: "brand",
    params: BrandParams,
    response: z.object({ data: z.array(z.unknown()) }),
    handle: async ({ principal, params }) => {
      const brand = await brandOf(principal, params.brand, deps);
      return { data: await deps.knowledge.listSources({ tenant_id: brand.tenant_id, brand_id: brand.id }) };
    },
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/brands/:brand/sources",
    tag: "knowledge",
    summary: "Remove one source (and its chunks) from the brand's knowledge (admins).",
    resource: "brand",
    params: BrandParams,
    query: z.object({ source: z.string().min(1, "source is required") }),
    response: z.object({ removed: z.literal(true) }),
    handle: async ({ principal, params, query }) => {
      const brand = await brandToChange(principal, params.brand, deps);
      const removed = await deps.knowledge.removeSource(
        { tenant_id: brand.tenant_id, brand_id: brand.id },
        query.source,
      );
      if (!removed) throw new XinError("knowledge.source_not_found", "no such source in this brand", { status: 404 });
      await transaction(deps.db(), ({ tx }) =>
        recordAudit(tx, {
          tenant_id: brand.tenant_id,
          actor: `token:${principal.token_id}`,
          action: "knowledge.remove",
          subject_type: "source",
          subject_id: query.source,
          before: { source: query.source },
        }),
      );
      return { removed: true as const };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/brands/:brand/quarantine",
    tag: "knowledge",
    summary:
      "Passages held back at ingest because they carry instructions for the assistant (and those released), with the reasons.",
    admin: true,
    resource: "brand",
    params: BrandParams,
    query: z.object({ source: z.string().min(1).optional().describe("only this source") }),
    response: z.object({ data: z.array(z.unknown()) }),
    handle: async ({ principal, params, query }) => {
      const brand = await brandOf(principal, params.brand, deps);
      return {
        data: await deps.knowledge.listQuarantined({ tenant_id: brand.tenant_id, brand_id: brand.id }, query.source),
      };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/brands/:brand/quarantine/release",
    tag: "knowledge",
    summary:
      "Release held-back passages of a source (one, or all) so they are retrieved again; audited, and kept across re-ingests while the passage is unchanged.",
    admin: true,
    resource: "brand",
    params: BrandParams,
    body: ReleaseBody,
    response: z.object({ released: z.array(z.unknown()) }),
    handle: async ({ principal, params, body }) => {
      const brand = await brandOf(principal, params.brand, deps);
      const scope = { tenant_id: brand.tenant_id, brand_id: brand.id };
      const released = await deps.knowledge.release(scope, body.source, body.passage, `token:${principal.token_id}`);
      if (released.length > 0) return { released };
      const known = (await deps.knowledge.listSources(scope)).some(
        (s) => (s as { source?: unknown }).source === body.source,
      );
      if (!known) throw new XinError("knowledge.source_not_found", "no such source in this brand", { status: 404 });
      throw new XinError(
        "knowledge.not_quarantined",
        body.passage === undefined
          ? "no passage of this source is held back"
          : `passage ${body.passage} of this source is not held back`,
        { status: 404 },
      );
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/jobs/:id",
    tag: "knowledge",
    summary: "An ingestion (or other) job: state, attempts, progress, last error.",
    resource: "job",
    params: z.object({ id: z.string() }),
    response: z.object({
      id: z.number().int(),
      kind: z.string(),
      state: z.string(),
      attempts: z.number().int(),
      progress: z.unknown(),
      last_error: z.string().nullable(),
      created_at: z.iso.datetime(),
      finished_at: z.iso.datetime().nullable(),
    }),
    handle: async ({ principal, params }) => {
      const id = Number(params.id);
      if (!Number.isSafeInteger(id)) throw new XinError("job.not_found", "no such job", { status: 404 });
      const [job] = await deps
        .db()
        .select()
        .from(schema.jobs)
        .where(and(eq(schema.jobs.id, id)));
      if (!job || (job.tenant_id ? !canSeeTenant(principal, job.tenant_id) : principal.role !== "admin")) {
        throw new XinError("job.not_found", "no such job", { status: 404 });
      }
      return {
        id: job.id,
        kind: job.kind,
        state: job.state,
        attempts: job.attempts,
        progress: job.progress,
        last_error: job.last_error,
        created_at: job.created_at,
        finished_at: job.finished_at,
      };
    },
  }),
];

export const registerKnowledgeApi = (router: Router, deps: KnowledgeDeps) =>
  registerRoutes(router, knowledgeRoutes(deps), deps);
