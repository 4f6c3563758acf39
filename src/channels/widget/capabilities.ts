import type { ChannelCapabilities } from "../types";

/**
 * xin's own widget: no provider in between, so no messaging window and a generous text limit (one
 * bubble stays readable); buttons render as quick-reply chips; files go out as links. Typing is shown
 * by the gateway while a reply is pending.
 */
export const widgetCapabilities: ChannelCapabilities = {
  text: { limit: 4000, unit: "code_points", captionLimit: 1000 },
  buttons: { maxCount: 10, maxLabelLength: 40, hasLists: false },
  media: { inbound: false, outboundUrl: true, outboundUpload: false },
  window: { hours: null, humanAgentHours: null, hasTemplates: false },
  formatting: "plain",
  hasTyping: true,
  hasReadReceipts: false,
  hasReactions: false,
  // `send` only returns a NOTIFY committed with the sent mark: a crash before that commit sent nothing.
  inDoubt: { kind: "no_doubt" },
};

/** Longest text a visitor may send in one message (code points); longer ones are refused, not cut. */
export const VISITOR_TEXT_LIMIT = 2000;
