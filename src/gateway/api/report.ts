import { z } from "zod";
import type { Db } from "../../runtime/db";
import { defineRoute, type ApiRoute } from "./define";
import { findBrand } from "./lookup";
import { tenantScope } from "./scope";

export type ReportBrand = { id: string; tenant_id: string; name: string; slug: string; language: string };

/** The owner's reports; the app computes them (grouping questions needs the knowledge room's analyzer). */
export type ReportApi = {
  activity(brand: ReportBrand, since: string | undefined, until: string | undefined): Promise<unknown>;
  gaps(brand: ReportBrand, since: string | undefined, until: string | undefined, limit: number): Promise<unknown>;
};

const Period = {
  since: z
    .string()
    .max(40)
    .optional()
    .describe("a span back from now (7d, 24h, 4w) or a date (2026-11-01); default 7d"),
  until: z.string().max(40).optional().describe("a date or time; default now"),
};

/** `GET /api/v1/brands/:brand/report[/gaps]` — a brand's admins and agents (their own tenant's brands). */
export const reportRoutes = (deps: { db: () => Db; report: ReportApi }): ApiRoute[] => {
  const brandOf = async (ref: string, principal: Parameters<typeof tenantScope>[0]): Promise<ReportBrand> => {
    const row = await findBrand(deps.db(), ref, tenantScope(principal));
    return { id: row.id, tenant_id: row.tenant_id, name: row.name, slug: row.slug, language: row.persona.language };
  };
  return [
    defineRoute({
      method: "GET",
      path: "/api/v1/brands/:brand/report",
      tag: "reports",
      summary:
        "A brand over a period: conversations, share resolved by the assistant, hand-overs by reason, reply/claim/resolution times, delivery failures, LLM tokens and cost.",
      resource: "brand",
      params: z.object({ brand: z.string().min(1) }),
      query: z.object(Period),
      response: z.record(z.string(), z.unknown()),
      handle: async ({ principal, params, query }) =>
        deps.report.activity(await brandOf(params.brand, principal), query.since, query.until),
    }),
    defineRoute({
      method: "GET",
      path: "/api/v1/brands/:brand/report/gaps",
      tag: "reports",
      summary:
        "Knowledge gaps: the questions escalated for low confidence, unsupported or no answer, grouped by similarity, newest first.",
      resource: "brand",
      params: z.object({ brand: z.string().min(1) }),
      query: z.object({
        ...Period,
        limit: z.coerce.number().int().min(1).max(200).default(20).describe("groups returned"),
      }),
      response: z.record(z.string(), z.unknown()),
      handle: async ({ principal, params, query }) =>
        deps.report.gaps(await brandOf(params.brand, principal), query.since, query.until, query.limit),
    }),
  ];
};
