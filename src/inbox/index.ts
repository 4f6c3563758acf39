// The inbox room: contacts, conversations, messages, escalations — their write paths and queries.
export { inboxCounts, type InboxCounts } from "./stats";
export { MEDIA_FETCH_JOB, persistParsed, RESPOND_JOB, type ChannelRef, type PersistOutcome } from "./persist";
