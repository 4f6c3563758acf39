// The orchestrator room: the respond step (context, prompt, LLM, guardrails, decision), `xin ask`.
export { askQuestion, loadBrandProfile, toAskResult, type AskResult } from "./ask";
export { answerTurn, LLM_UNAVAILABLE, type PipelineDeps, type TurnRequest } from "./decide";
export type { DraftSink } from "./live-draft";
export {
  BUILT_IN_GUARDRAILS,
  loadCustomGuardrails,
  runGuardrails,
  type Guardrail,
  type GuardrailInput,
  type GuardrailStage,
  type GuardrailVerdict,
} from "./guardrails";
export { DEFAULT_HOLDING_MESSAGES, holdingMessage } from "./holding";
export { brandLanguages, parsePolicies, type BrandPolicies } from "./policies";
export { DEFAULT_HOLDING_MESSAGE, respondHandler, type RespondDeps } from "./respond";
export type { AnswerMode, AnswerOutcome, BrandProfile, Confidence, GuardrailDecision, Passage, Turn } from "./types";
