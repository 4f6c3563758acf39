// The inbox room: contacts, conversations, messages, escalations — their write paths and queries.
export { inboxCounts, type InboxCounts } from "./stats";
