import { z } from "zod";
import { defineRoute, type ApiRoute } from "./define";
import { findBrand } from "./lookup";
import { tenantScope } from "./scope";
import type { Db } from "../../runtime/db";

/**
 * What the ask route needs; the app passes it in, because the gateway never runs the answering
 * pipeline's code itself (DESIGN §1: the orchestrator is its own room). `ask` is a dry run: nothing is
 * stored or sent. It may take as long as an LLM answer: this route is for owners trying their bot,
 * never on a webhook's path.
 */
export type AskApi = {
  ask(
    scope: { tenant_id: string; brand_id: string },
    question: string,
    history: { role: "customer" | "assistant"; text: string }[],
  ): Promise<unknown>;
};

const AskBody = z
  .object({
    question: z.string().trim().min(1).max(4000),
    history: z
      .array(z.object({ role: z.enum(["customer", "assistant"]), text: z.string().max(4000) }).strict())
      .max(40)
      .default([]),
  })
  .strict();

/** `POST /api/v1/brands/:brand/ask` → the `xin ask --json` object (orchestrator's AskResult). */
export const askRoutes = (deps: { db: () => Db; ask: AskApi }): ApiRoute[] => [
  defineRoute({
    method: "POST",
    path: "/api/v1/brands/:brand/ask",
    tag: "knowledge",
    summary: "Ask the brand's assistant a question as a customer would (a dry run: nothing stored or sent).",
    resource: "brand",
    params: z.object({ brand: z.string().min(1) }),
    body: AskBody,
    response: z.record(z.string(), z.unknown()),
    handle: async ({ principal, params, body }) => {
      // Another tenant's brand is not found, whatever the answering side would do with it.
      const brand = await findBrand(deps.db(), params.brand, tenantScope(principal));
      return deps.ask.ask({ tenant_id: brand.tenant_id, brand_id: brand.id }, body.question, body.history);
    },
  }),
];
