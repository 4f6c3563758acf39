// The inbox room: contacts, conversations, messages, escalations — their write paths and queries.
export { attemptMessageId, newAttemptId } from "./attempt-id";
export { clearAttempt, loadOutbound, markFailed, markSent, recordAttempt, type OutboundRow } from "./delivery";
export { nameAnswered, openEscalation, type NewEscalation } from "./escalations";
export { DELIVER_JOB, queueReply, startReply, type Reply, type StartedReply } from "./outbound";
export { acceptParsed } from "./accept";
export { applyDeletion, type DeletionOutcome } from "./deletion";
export { noteIgnored } from "./ignored";
export { acceptInOneStatement } from "./persist-one-statement";
export {
  CHANNEL_ACT_JOB,
  MEDIA_FETCH_JOB,
  persistParsed,
  RESPOND_JOB,
  type ChannelRef,
  type PersistOutcome,
} from "./persist";
export { inboxCounts, oldestOpenEscalationSeconds, type InboxCounts } from "./stats";
// Agents' side of escalations (issue 7).
export {
  claimEscalation,
  closeEscalation,
  handBack,
  sendResolution,
  takeOver,
  type ActionAudit,
  type ActionResult,
  type Actor,
  type SendKind,
} from "./escalation-actions";
export {
  getEscalationDetail,
  listEscalations,
  recentMessages,
  type EscalationFilter,
  type EscalationSummary,
} from "./escalation-queries";
// What the owner sees (issue 16): a brand's activity and the questions the assistant could not answer.
export {
  brandActivity,
  gapQuestions,
  GAP_REASONS,
  type BrandActivity,
  type Durations,
  type GapQuestion,
  type ReportScope,
} from "./report";
