import { z } from "zod";
import { XinError } from "../../runtime";
import type { Db } from "../../runtime/db";
import { json, type Router } from "../../runtime/http";
import { authenticate, canSeeTenant } from "../auth";
import type { BrandScopeRef } from "./knowledge";

/**
 * What the ask route needs; the app passes it in, because the gateway never runs the answering
 * pipeline's code itself (DESIGN §1: the orchestrator is its own room). `ask` is a dry run: nothing is
 * stored or sent. It may take as long as an LLM answer: this route is for owners trying their bot,
 * never on a webhook's path.
 */
export type AskApi = {
  resolveBrand(ref: string, tenantId: string | null): Promise<BrandScopeRef>;
  ask(scope: { tenant_id: string; brand_id: string }, question: string, history: { role: "customer" | "assistant"; text: string }[]): Promise<unknown>;
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
export const registerAskApi = (router: Router, deps: { db: () => Db; instanceKey: string; ask: AskApi }) => {
  router.post("/api/v1/brands/:brand/ask", async (ctx) => {
    const principal = await authenticate(ctx, deps);
    const brand = await deps.ask.resolveBrand(ctx.params.brand, principal.tenant_id);
    if (!canSeeTenant(principal, brand.tenant_id)) throw new XinError("brand.not_found", "no such brand", { status: 404 });
    const body = AskBody.safeParse(await ctx.json());
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new XinError("api.invalid", `invalid ask request: ${issue?.path.join(".") || "body"} ${issue?.message ?? ""}`.trim(), { status: 400 });
    }
    return json(await deps.ask.ask({ tenant_id: brand.tenant_id, brand_id: brand.id }, body.data.question, body.data.history));
  });
};
