import type { schema } from "../runtime/db";
import type { BrandPolicies } from "./policies";

/** One earlier message of the conversation, oldest first. */
export type Turn = { role: "customer" | "assistant"; text: string };

/** The brand as the pipeline sees it: who speaks and by which rules. */
export type BrandProfile = {
  id: string;
  tenant_id: string;
  name: string;
  persona: schema.Persona;
  policies: BrandPolicies;
  /** The brand's knowledge revision when it was read (retrieval then need not read it again). */
  knowledgeRevision?: number;
};

/** A retrieved knowledge passage handed to the prompt and to the guardrails. `n` is its 1-based citation number. */
export type Passage = {
  n: number;
  chunk_id: string;
  source: string;
  url?: string;
  title: string;
  heading: string;
  text: string;
  score: number;
  lexical?: number;
  dense?: number;
};

/**
 * How sure xin is of an answer, each part 0..1: `retrieval` (how well the best passage covers the
 * question), `grounding` (how much of the answer is found in the passages used), `model` (the model's
 * own signal: finish reason, hedging). `value` is their weighted blend.
 */
export type Confidence = { value: number; retrieval: number; grounding: number; model: number };

export type GuardrailDecision = { code: string; passed: boolean; detail?: string };

/** Where an answer came from: the LLM, or the best knowledge passage (no LLM configured). */
export type AnswerMode = "llm" | "knowledge";

/**
 * The pipeline's result for one customer turn. `reply` is the text to send (outcome `answer`) or the
 * draft agents see (outcome `escalation`, null when none was written). `reason` is the escalation's
 * stable reason code (the first failing guardrail's, or `llm_unavailable`), else null.
 */
export type AnswerOutcome = {
  outcome: "answer" | "escalation";
  reply: string | null;
  reason: string | null;
  confidence: Confidence;
  sources: { source: string; chunk_id: string }[];
  guardrails: GuardrailDecision[];
  mode: AnswerMode;
  /** LLM tokens spent (0 in knowledge mode). */
  tokens: { prompt: number; completion: number };
  /** The customer's language when clearly detected (ISO 639-1), else null: the holding message's language. */
  language?: string | null;
};
