import type { ChannelCapabilities } from "../types";

/**
 * channels.md §3.6 and §4: 4096 UTF-16 code units after entity parsing (captions 1024), inline keyboards
 * with `callback_data` ≤ 64 bytes, no messaging window, MarkdownV2, typing via sendChatAction, no read
 * receipts.
 */
export const telegramCapabilities: ChannelCapabilities = {
  text: { limit: 4096, unit: "utf16", captionLimit: 1024 },
  buttons: { maxCount: 100, maxLabelLength: 64, hasLists: false },
  media: { inbound: true, outboundUrl: true, outboundUpload: true },
  window: { hours: null, humanAgentHours: null, hasTemplates: false },
  formatting: "telegram_markdown_v2",
  hasTyping: true,
  hasReadReceipts: false,
  hasReactions: true,
  // The Bot API has no idempotency key and no echo of a bot's own messages: a send lost in a crash is
  // sent again, and counted as a possible duplicate (xin_delivery_in_doubt_total).
  inDoubt: { kind: "resend" },
};
