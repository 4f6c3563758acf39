// The orchestrator room: the respond step (context, prompt, LLM, guardrails, decision).
export { DEFAULT_HOLDING_MESSAGE, holdingReplyHandler } from "./holding-reply";
