/**
 * The channels room's public surface (STYLE.md §2–3): provider adapters behind one contract.
 *
 * Gateway:  const ch = getChannel(provider); const creds = ch.credentials.parse(decrypted);
 *           ch.verify(request, { channelId, credentials: creds })  → challenge | verified (throws 401/403/400)
 *           ch.parse(request.body, binding)                         → { messages, statuses, events, skipped }
 * Worker:   ch.send(message, ctx) → { providerMessageId } | throws ChannelError { retryable, retryAfterMs,
 *           providerCode, reason }; ch.act(action, ctx) for read/typing/reactions/callback answers;
 *           ch.fetchMedia(media, ctx) in the media job; messagingWindow(ch.capabilities, …) before sending;
 *           splitForChannel(text, ch.capabilities) when storing a long reply (one row per part).
 * Poller:   for await (const u of ch.poll!(ctx, { offset })) { persist u.body via parse; save u.nextOffset }
 */
export type * from "./types";
export { bodyOf, emptyParseResult, isStatusAdvance, opensWindow, shouldRespond, statusRank } from "./inbound";
export * from "./errors";
export { channels, channelIds, findChannel, getChannel } from "./registry";
export { messagingWindow, type WindowDecision } from "./window";
export { escapeMarkdownV2, measureText, renderMarkdown, splitForChannel, splitText } from "./text";
export { metaSignatureHeader } from "./meta";
export {
  whatsapp,
  whatsappCredentials,
  whatsappMediaUrl,
  uploadWhatsappMedia,
  type WhatsappCredentials,
} from "./whatsapp";
export { instagram, instagramCredentials, type InstagramCredentials } from "./instagram";
export {
  telegram,
  telegramCredentials,
  botIdOf,
  messageKey as telegramMessageKey,
  setTelegramWebhook,
  deleteTelegramWebhook,
  getTelegramWebhookInfo,
  getTelegramMe,
  telegramFileUrl,
  TELEGRAM_ALLOWED_UPDATES,
  type TelegramCredentials,
} from "./telegram";
export {
  widget,
  widgetCredentials,
  widgetIngestSchema,
  widgetMessageKey,
  newVisitorId,
  visitorOfToken,
  visitorToken,
  widgetBodySignature,
  VISITOR_TEXT_LIMIT,
  WIDGET_UPLOADS,
  WIDGET_NOTIFY_CHANNEL,
  widgetDeltaNotices,
  widgetPresenceNotice,
  widgetRetractNotice,
  widgetTypingNotice,
  WIDGET_SIGNATURE_HEADER,
  type WidgetCredentials,
  type WidgetIngest,
  type WidgetNotice,
} from "./widget";
