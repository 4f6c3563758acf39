import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { newId } from "../../runtime";
import { schema, transaction } from "../../runtime/db";
import { enqueueJobs } from "../../runtime/queue";
import {
  AUTOMATION_KINDS,
  automationScheduleIssue,
  checkAutomationKind,
  parseAutomationConfig,
  recordAudit,
  runNowJob,
} from "../../tenancy";
import { defineRoute, type ApiRoute } from "./define";
import { findBrand } from "./lookup";
import { decodeCursor, keysetBefore, page, pageOf, PageQuery, TimeQuery, timeWindow } from "./page";
import { actorName, type AdminDeps, IdParams, inScope, notFound, TenantQuery, tenantScope } from "./scope";

const Automation = z.object({
  id: z.string(),
  tenant_id: z.string(),
  brand_id: z.string().nullable(),
  kind: z.string(),
  schedule: z.string(),
  config: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  last_run_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
});
const AuditEntry = z.object({
  id: z.number().int(),
  tenant_id: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  subject_type: z.string(),
  subject_id: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  created_at: z.iso.datetime(),
});

/** A five-field cron schedule (UTC), the error saying why another is refused. */
const Schedule = z.string().superRefine((s, ctx) => {
  const issue = automationScheduleIssue(s);
  if (issue) ctx.addIssue({ code: "custom", message: issue });
});

/** Scheduled automations of a tenant, and the audit log (newest first). */
export const automationRoutes = (deps: AdminDeps): ApiRoute[] => [
  defineRoute({
    method: "GET",
    path: "/api/v1/automations",
    tag: "automations",
    summary: "List automations.",
    query: z.object(TenantQuery),
    response: z.object({ data: z.array(Automation), next_cursor: z.null() }),
    handle: async ({ principal, query }) => {
      const scope = tenantScope(principal, query.tenant);
      const rows = await deps
        .db()
        .select()
        .from(schema.automations)
        .where(inScope(schema.automations.tenant_id, scope))
        .orderBy(asc(schema.automations.created_at));
      return { data: rows, next_cursor: null };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/automations",
    tag: "automations",
    summary: "Create an automation of a brand (cron schedule, kind, config).",
    admin: true,
    body: z
      .object({
        brand: z.string().min(1),
        kind: z
          .string()
          .min(1)
          .describe(`the automation's kind; xin runs: ${AUTOMATION_KINDS.join(", ")}`),
        schedule: Schedule.describe("five cron fields, in UTC"),
        config: z.record(z.string(), z.unknown()).default({}),
        enabled: z.boolean().default(true),
      })
      .strict(),
    status: 201,
    response: Automation,
    handle: async ({ principal, body }) =>
      transaction(deps.db(), async ({ tx }) => {
        // The brand first (another tenant's is 404 whatever the body), then refused before anything is
        // written: a kind xin does not run, a config its kind does not take.
        const brand = await findBrand(tx, body.brand, tenantScope(principal));
        const kind = checkAutomationKind(body.kind);
        const config = parseAutomationConfig(kind, body.config);
        const [row] = await tx
          .insert(schema.automations)
          .values({
            id: newId("aut"),
            tenant_id: brand.tenant_id,
            brand_id: brand.id,
            kind,
            schedule: body.schedule,
            config,
            enabled: body.enabled,
          })
          .returning();
        await recordAudit(tx, {
          tenant_id: row.tenant_id,
          actor: actorName(principal),
          action: "automation.create",
          subject_type: "automation",
          subject_id: row.id,
          after: { ...body, config },
        });
        return row;
      }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/automations/:id",
    tag: "automations",
    summary: "One automation, with when it last ran.",
    resource: "automation",
    params: IdParams,
    response: Automation,
    handle: async ({ principal, params }) => {
      const [row] = await deps
        .db()
        .select()
        .from(schema.automations)
        .where(
          and(eq(schema.automations.id, params.id), inScope(schema.automations.tenant_id, tenantScope(principal))),
        );
      if (!row) throw notFound("automation");
      return row;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/automations/:id/run",
    tag: "automations",
    summary: "Run an automation now, once, outside its schedule (also when disabled); a worker runs it.",
    admin: true,
    resource: "automation",
    params: IdParams,
    status: 202,
    response: z.object({ queued: z.literal(true), id: z.string(), job_id: z.number().int() }),
    handle: async ({ principal, params }) =>
      transaction(deps.db(), async (ctx) => {
        const [row] = await ctx.tx
          .select()
          .from(schema.automations)
          .where(
            and(eq(schema.automations.id, params.id), inScope(schema.automations.tenant_id, tenantScope(principal))),
          );
        if (!row) throw notFound("automation");
        const [jobId] = await enqueueJobs(
          ctx,
          deps.wake,
          [runNowJob(row, new Date(), actorName(principal))],
          deps.maxAttempts,
        );
        return { queued: true as const, id: row.id, job_id: jobId };
      }),
  }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/automations/:id",
    tag: "automations",
    summary: "Enable or disable an automation, or change its schedule.",
    admin: true,
    resource: "automation",
    params: IdParams,
    body: z.object({ enabled: z.boolean().optional(), schedule: Schedule.optional() }).strict(),
    response: Automation,
    handle: async ({ principal, params, body }) =>
      transaction(deps.db(), async ({ tx }) => {
        const scope = tenantScope(principal);
        const where = and(eq(schema.automations.id, params.id), inScope(schema.automations.tenant_id, scope));
        const [before] = await tx.select().from(schema.automations).where(where);
        if (!before) throw notFound("automation");
        // An empty change changes nothing (an UPDATE with no column would fail): the automation as it is.
        if (body.enabled === undefined && body.schedule === undefined) return before;
        const [row] = await tx.update(schema.automations).set(body).where(where).returning();
        await recordAudit(tx, {
          tenant_id: row.tenant_id,
          actor: actorName(principal),
          action: "automation.update",
          subject_type: "automation",
          subject_id: row.id,
          before: { enabled: before.enabled, schedule: before.schedule },
          after: body,
        });
        return row;
      }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/automations/:id",
    tag: "automations",
    summary: "Delete an automation.",
    admin: true,
    resource: "automation",
    params: IdParams,
    response: z.object({ removed: z.literal(true), id: z.string() }),
    handle: async ({ principal, params }) =>
      transaction(deps.db(), async ({ tx }) => {
        const scope = tenantScope(principal);
        const [row] = await tx
          .delete(schema.automations)
          .where(and(eq(schema.automations.id, params.id), inScope(schema.automations.tenant_id, scope)))
          .returning();
        if (!row) throw notFound("automation");
        await recordAudit(tx, {
          tenant_id: row.tenant_id,
          actor: actorName(principal),
          action: "automation.remove",
          subject_type: "automation",
          subject_id: row.id,
          before: { kind: row.kind, schedule: row.schedule },
        });
        return { removed: true as const, id: row.id };
      }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/audit",
    tag: "audit",
    summary: "The audit log, newest first; filter by action, subject and time.",
    query: z.object({
      ...PageQuery,
      ...TimeQuery,
      ...TenantQuery,
      action: z.string().optional(),
      subject_id: z.string().optional(),
    }),
    response: pageOf(AuditEntry),
    handle: async ({ principal, query }) => {
      const scope = tenantScope(principal, query.tenant);
      const a = schema.auditLog;
      const rows = await deps
        .db()
        .select()
        .from(a)
        .where(
          and(
            inScope(a.tenant_id, scope),
            query.action ? eq(a.action, query.action) : undefined,
            query.subject_id ? eq(a.subject_id, query.subject_id) : undefined,
            timeWindow(a.created_at, query),
            keysetBefore(a.created_at, a.id, decodeCursor(query.cursor)),
          ),
        )
        .orderBy(desc(a.created_at), desc(a.id))
        .limit(query.limit);
      return page(rows, query.limit);
    },
  }),
];
