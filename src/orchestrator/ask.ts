import { and, eq } from "drizzle-orm";
import { XinError } from "../runtime";
import { schema, type Db } from "../runtime/db";
import { answerTurn, type PipelineDeps } from "./decide";
import { parsePolicies } from "./policies";
import type { AnswerOutcome, BrandProfile, Turn } from "./types";

/**
 * What `xin ask --json` prints and `POST /api/v1/brands/:brand/ask` answers — exactly these keys:
 * `reply` is the text that would be sent, or the escalation's draft (null when none was written);
 * `reason` the escalation's reason code, else null; `confidence` 0..1.
 */
export type AskResult = {
  outcome: "answer" | "escalation";
  reply: string | null;
  reason: string | null;
  confidence: number;
  sources: { source: string; chunk_id: string }[];
  guardrails: { code: string; passed: boolean }[];
};

export const toAskResult = (o: AnswerOutcome): AskResult => ({
  outcome: o.outcome,
  reply: o.reply,
  reason: o.reason,
  confidence: o.confidence.value,
  sources: o.sources,
  guardrails: mergeByCode(o.guardrails),
});

/** One entry per guardrail: an evaluator that ran at both stages passed only if it passed at both. */
const mergeByCode = (decisions: AnswerOutcome["guardrails"]): AskResult["guardrails"] => {
  const byCode = new Map<string, boolean>();
  for (const d of decisions) byCode.set(d.code, (byCode.get(d.code) ?? true) && d.passed);
  return [...byCode].map(([code, passed]) => ({ code, passed }));
};

export const loadBrandProfile = async (
  db: Db,
  scope: { tenant_id: string; brand_id: string },
): Promise<BrandProfile> => {
  const [brand] = await db
    .select()
    .from(schema.brands)
    .where(and(eq(schema.brands.id, scope.brand_id), eq(schema.brands.tenant_id, scope.tenant_id)));
  if (!brand) throw new XinError("brand.not_found", "no such brand", { status: 404, exitCode: 1 });
  return {
    id: brand.id,
    tenant_id: brand.tenant_id,
    name: brand.name,
    persona: brand.persona,
    policies: parsePolicies(brand.policies),
  };
};

/**
 * One question through the same pipeline a customer message takes, without a conversation: nothing is
 * stored and nothing is sent (a dry run for owners: `xin ask`, `xin chat`). `history` carries a
 * terminal chat's earlier turns.
 */
export const askQuestion = async (
  deps: { db: () => Db; pipeline: PipelineDeps },
  scope: { tenant_id: string; brand_id: string },
  question: string,
  history: readonly Turn[] = [],
): Promise<AskResult> => {
  const brand = await loadBrandProfile(deps.db(), scope);
  return toAskResult(await answerTurn(deps.pipeline, { brand, question, history }));
};
