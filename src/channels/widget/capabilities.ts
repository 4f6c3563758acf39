import type { ChannelCapabilities } from "../types";

/**
 * xin's own widget: no provider in between, so no messaging window and a generous text limit (one
 * bubble stays readable); buttons render as quick-reply chips; files go out as links. Visitors upload
 * images and PDFs to the gateway (WIDGET_UPLOADS), which stores them before the message names them, so
 * there is nothing to fetch afterwards. Typing is shown by the gateway while a reply is pending.
 */
export const widgetCapabilities: ChannelCapabilities = {
  text: { limit: 4000, unit: "code_points", captionLimit: 1000 },
  buttons: { maxCount: 10, maxLabelLength: 40, hasLists: false },
  media: { inbound: true, outboundUrl: true, outboundUpload: false },
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

/**
 * What a visitor may attach: images a browser shows inline and PDFs, up to 10 MB each (what Crisp and
 * Intercom allow by default is in that range). Checked by the gateway on the bytes it receives.
 */
export const WIDGET_UPLOADS = {
  maxBytes: 10 * 1024 * 1024,
  types: ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"] as readonly string[],
};
