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
  // Sends carry the attempt id as `biz_opaque_callback_data`, echoed in every status webhook; Meta sends
  // `sent` within seconds of accepting a message and retries unacknowledged webhooks, so a minute without
  // one (counted from when this process could receive it) means the send did not go through: send again.
  inDoubt: { kind: "await_status", waitMs: 60_000, otherwise: "resend" },
};
