import { isLlmError, stripThinking, type ChatClient } from "../llm";
import { equivalentsOf, withEquivalents, type BrandScope, type SearchResult } from "../rag";
import { errorCode, withSpan, type Logger } from "../runtime";
import type { AnswerConfig } from "../runtime/config";
import { analyzerOf, blend, grounding, knowledgeConfidence, modelSignal, retrievalStrength } from "./confidence";
import { crossLanguage } from "./grounding/support";
import { detectLanguage, dropPoisoned, firstFailure, runGuardrails, type Guardrail } from "./guardrails";
import { preferCurrent } from "./current-docs";
import { knowledgeAnswer } from "./kb-answer";
import { brandLanguages } from "./policies";
import type { TermWeights } from "./sentence-select";
import { readingsOf, weightsOf } from "./term-weights";
import { streamDraft, type DraftSink } from "./live-draft";
import { prefixJudge } from "./prefix-checks";
import { buildPrompt, parseReply } from "./prompt";
import { smallTalkReply } from "./small-talk";
import type { AnswerOutcome, BrandProfile, Confidence, GuardrailDecision, Passage, Turn } from "./types";

/** What the pipeline needs; none of it is per-call state, so one set serves every conversation. */
export type PipelineDeps = {
  /** `revision`: the brand's knowledge revision when the caller read it with the brand. */
  search(request: { scope: BrandScope; query: string; k: number; revision?: number }): Promise<SearchResult>;
  /** null: no LLM configured, answers come from the knowledge base alone. */
  chat: ChatClient | null;
  guardrails: readonly Guardrail[];
  config: Pick<AnswerConfig, "top_k" | "min_confidence">;
  log: Logger;
};

export type TurnRequest = {
  brand: BrandProfile;
  /** What retrieval and the answer look for: the turn's latest question (`turn.ts`). */
  question: string;
  /** The turn's words as a whole, when it holds more than its question: what the guardrails judge, so an action request earlier in the burst still escalates. */
  burst?: string;
  history: readonly Turn[];
  now?: Date;
  signal?: AbortSignal;
  /** Shows an LLM draft while it is written, piece by checked piece (live-draft.ts); omitted: nothing live. */
  live?: DraftSink;
};

/** Reason of an escalation when the LLM or retrieval failed (timeouts, errors, quota). */
export const LLM_UNAVAILABLE = "llm_unavailable";

const ZERO: Confidence = { value: 0, retrieval: 0, grounding: 0, model: 0 };

const toPassages = (result: SearchResult): Passage[] =>
  result.hits.map((h, i) => ({
    n: i + 1,
    chunk_id: h.chunk_id,
    source: h.chunk.source,
    ...(h.chunk.url ? { url: h.chunk.url } : {}),
    title: h.chunk.title,
    heading: h.chunk.headingPath.join(" › "),
    text: h.chunk.text,
    score: h.score,
    ...(h.lexical ? { lexical: h.lexical.score } : {}),
    ...(h.dense ? { dense: h.dense.score } : {}),
  }));

/**
 * One customer turn through the whole answering pipeline — retrieve, input guardrails, generate (LLM,
 * or the best passage when none is configured), confidence, output guardrails — and the decision.
 * Pure with respect to the store: persisting the outcome is the caller's (respond job, `xin ask`).
 * Never throws for an LLM or retrieval failure: that is an `llm_unavailable` escalation. Throws only
 * when `signal` aborts (the job lost its lease or the process drains), so the job is retried.
 */
export const answerTurn = async (deps: PipelineDeps, req: TurnRequest): Promise<AnswerOutcome> => {
  const mode = deps.chat ? "llm" : "knowledge";
  // The customer's language, when clear: the model answers in it if the brand declares it, and the
  // holding message of an escalation is sent in it.
  const language = detectLanguage(req.question);
  const base = { mode, tokens: { prompt: 0, completion: 0 }, language } as const;
  const escalate = (
    reason: string,
    guardrails: GuardrailDecision[],
    extra: Partial<AnswerOutcome> = {},
  ): AnswerOutcome => ({
    ...base,
    outcome: "escalation",
    reply: null,
    reason,
    confidence: ZERO,
    sources: [],
    guardrails,
    ...extra,
  });
  const scope = { tenant_id: req.brand.tenant_id, brand_id: req.brand.id };
  const analyzer = analyzerOf(req.brand.persona.language);
  // With no LLM the extractive answer reads the words customers and documents use for the same thing as one (equivalents.ts).
  const reading = deps.chat ? analyzer : withEquivalents(analyzer);
  const canon = reading === analyzer ? undefined : equivalentsOf(analyzer).canon;
  const now = req.now ?? new Date();

  let retrieved: Passage[];
  let termWeights: TermWeights;
  let readAs: (term: string) => string[];
  try {
    const result = await withSpan(
      "retrieval",
      { attributes: { "xin.brand_id": req.brand.id, "xin.retrieval.k": deps.config.top_k } },
      async (span) => {
        const found = await deps.search({
          scope,
          query: req.question,
          k: deps.config.top_k,
          revision: req.brand.knowledgeRevision,
        });
        span.setAttributes({ "xin.retrieval.hits": found.hits.length });
        return found;
      },
    );
    retrieved = toPassages(result);
    termWeights = weightsOf(result, analyzer.language, canon);
    readAs = readingsOf(result, canon);
  } catch (e) {
    req.signal?.throwIfAborted();
    deps.log.warn("retrieval failed", { err_code: errorCode(e) });
    return escalate(LLM_UNAVAILABLE, []);
  }
  const passages = preferCurrent(dropPoisoned(retrieved)).map((p, i) => ({ ...p, n: i + 1 }));
  const common = { question: req.burst ?? req.question, history: req.history, brand: req.brand, mode, now } as const;
  const defaults = { low_confidence: { default_min: deps.config.min_confidence } };

  const inputChecks = await runGuardrails(
    deps.guardrails,
    "input",
    { ...common, passages: retrieved, draft: null, confidence: null },
    defaults,
  );
  const retrieval = retrievalStrength(reading, req.question, passages);
  const inputFailure = firstFailure(inputChecks);
  if (inputFailure) return escalate(inputFailure, inputChecks, { confidence: { ...ZERO, retrieval } });

  const canned = smallTalkReply(req.brand, req.question);
  if (canned)
    return {
      ...base,
      outcome: "answer",
      reply: canned,
      reason: null,
      confidence: { value: 1, retrieval, grounding: 1, model: 1 },
      sources: [],
      guardrails: inputChecks,
    };

  let draft: string | null;
  let used: Passage[];
  let confidence: Confidence;
  let tokens: AnswerOutcome["tokens"] = base.tokens;
  if (deps.chat) {
    try {
      const replyIn =
        language && brandLanguages(req.brand.persona, req.brand.policies).includes(language) ? language : null;
      const prompt = buildPrompt(req.brand, passages, req.history, req.question, replyIn);
      const opts = { tenantId: req.brand.tenant_id, signal: req.signal };
      const result = req.live
        ? await streamDraft(
            deps.chat,
            prompt,
            opts,
            req.live,
            prefixJudge({ guardrails: deps.guardrails, common, passages, retrieval, analyzer, defaults }),
          )
        : await deps.chat.chat(prompt, opts);
      const parsed = parseReply(stripThinking(result.text));
      draft = parsed.text || null;
      const cited = passages.filter((p) => parsed.cited.includes(p.n));
      used = cited.length ? cited : passages.slice(0, 3);
      // An answer in another language than its passages cannot be compared word by word: it is trusted as
      // far as the passages matched the question (its facts are still checked one by one, unsupported.ts).
      const ground = crossLanguage(parsed.text, passages)
        ? retrieval
        : grounding(analyzer, parsed.text, passages, req.question);
      confidence = blend(retrieval, ground, modelSignal(result.finish_reason, parsed.text));
      tokens = { prompt: result.usage.prompt_tokens, completion: result.usage.completion_tokens };
    } catch (e) {
      req.signal?.throwIfAborted();
      deps.log.warn("llm call failed", { err_code: isLlmError(e) ? e.code : errorCode(e) });
      return escalate(LLM_UNAVAILABLE, inputChecks, { confidence: { ...ZERO, retrieval } });
    }
  } else {
    const found = knowledgeAnswer(reading, req.question, passages, req.brand.policies.attribution, termWeights, readAs);
    draft = found?.text ?? null;
    used = found?.used ?? [];
    confidence = knowledgeConfidence(retrieval, found?.coverage ?? 0);
  }

  const outputChecks = await runGuardrails(
    deps.guardrails,
    "output",
    { ...common, passages, draft, confidence },
    defaults,
  );
  const guardrails = [...inputChecks, ...outputChecks];
  const sources = used.map((p) => ({ source: p.source, chunk_id: p.chunk_id }));
  const failure = firstFailure(outputChecks) ?? (draft ? null : "low_confidence");
  return {
    ...base,
    tokens,
    outcome: failure ? "escalation" : "answer",
    reply: draft,
    reason: failure,
    confidence,
    sources,
    guardrails,
  };
};
