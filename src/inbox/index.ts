// The inbox room: contacts, conversations, messages, escalations — their write paths and queries.
export { loadOutbound, markFailed, markSent, type OutboundRow } from "./delivery";
export { openEscalation, type NewEscalation } from "./escalations";
export { DELIVER_JOB, queueReply, type Reply } from "./outbound";
export { acceptParsed } from "./accept";
export { CHANNEL_ACT_JOB, MEDIA_FETCH_JOB, persistParsed, RESPOND_JOB, type ChannelRef, type PersistOutcome } from "./persist";
export { inboxCounts, type InboxCounts } from "./stats";
