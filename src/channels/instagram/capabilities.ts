import type { ChannelCapabilities } from "../types";

/**
 * channels.md §2.5 and §4: text ≤ 1000 UTF-8 bytes, ≤ 13 quick replies (title ≤ 20), no captions, no
 * uploads through the Send API, 24 h window with the HUMAN_AGENT tag for human replies up to 7 days.
 */
export const instagramCapabilities: ChannelCapabilities = {
  text: { limit: 1000, unit: "utf8_bytes", captionLimit: 0 },
  buttons: { maxCount: 13, maxLabelLength: 20, hasLists: false },
  media: { inbound: true, outboundUrl: true, outboundUpload: false },
  window: { hours: 24, humanAgentHours: 24 * 7, hasTemplates: false },
  formatting: "plain",
  hasTyping: true,
  hasReadReceipts: true,
  hasReactions: true,
  // The Send API takes no idempotency key or tag of ours, and echoes (when subscribed) carry only the
  // text, which a customer may legitimately receive twice: a send lost in a crash is sent again, and
  // counted as a possible duplicate (xin_delivery_in_doubt_total).
  inDoubt: { kind: "resend" },
};
