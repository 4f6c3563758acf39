import type { ChannelCapabilities } from "../types";

/** channels.md §4: 4096 characters, 3 reply buttons (≤ 20) or a 10-row list, 24 h window, templates. */
export const whatsappCapabilities: ChannelCapabilities = {
  text: { limit: 4096, unit: "code_points", captionLimit: 1024 },
  buttons: { maxCount: 3, maxLabelLength: 20, hasLists: true },
  media: { inbound: true, outboundUrl: true, outboundUpload: true },
  window: { hours: 24, humanAgentHours: null, hasTemplates: true },
  formatting: "whatsapp",
  hasTyping: true,
  hasReadReceipts: true,
  typingMarksRead: true,
  hasReactions: true,
};
