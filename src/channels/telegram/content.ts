/**
 * A Telegram Message → `InboundContent`. Photos keep the largest size; captions stay with their media;
 * commands (`/start`, `/help@bot args`) and mentions are read from entities, whose offsets are UTF-16
 * code units — exactly JavaScript string indices.
 */
import type { InboundContent, InboundMedia } from "../types";
import { stripUndefined } from "../payload";
import type { TelegramFile, TelegramMessage, TelegramReplyMarkup } from "./schema";

type MediaField = "animation" | "document" | "voice" | "audio" | "video" | "video_note" | "sticker";

// `animation` messages also carry `document`; check animation first so a GIF is not called a document.
const MEDIA_FIELDS: [MediaField, InboundMedia["mediaType"]][] = [
  ["animation", "animation"],
  ["document", "document"],
  ["voice", "voice"],
  ["audio", "audio"],
  ["video", "video"],
  ["video_note", "video"],
  ["sticker", "sticker"],
];

const mediaOf = (mediaType: InboundMedia["mediaType"], file: TelegramFile): InboundMedia =>
  stripUndefined({
    mediaType,
    id: file.file_id,
    mimeType: file.mime_type,
    filename: file.file_name,
    sizeBytes: file.file_size,
    width: file.width,
    height: file.height,
    durationSeconds: file.duration,
  });

/** The largest PhotoSize (by pixels, then bytes); Telegram lists them smallest first but do not rely on it. */
export const largestPhoto = (sizes: TelegramFile[]): TelegramFile =>
  sizes.reduce((best, s) => {
    const area = (s.width ?? 0) * (s.height ?? 0);
    const bestArea = (best.width ?? 0) * (best.height ?? 0);
    return area > bestArea || (area === bestArea && (s.file_size ?? 0) > (best.file_size ?? 0)) ? s : best;
  });

const textContent = (message: TelegramMessage, text: string): InboundContent => {
  const entities = message.entities ?? [];
  const command = entities.find((e) => e.type === "bot_command" && e.offset === 0);
  const mentions = entities.filter((e) => e.type === "mention").map((e) => text.slice(e.offset, e.offset + e.length));
  return stripUndefined({
    kind: "text" as const,
    text,
    command: command
      ? { name: text.slice(1, command.length).split("@")[0], args: text.slice(command.length).trim() }
      : undefined,
    mentions: mentions.length > 0 ? mentions : undefined,
  });
};

// Service messages and kinds xin does not handle, named for the `unsupported` flag.
const OTHER_KINDS = ["poll", "dice", "game", "invoice", "story", "paid_media", "checklist"];

export const messageContent = (message: TelegramMessage, raw: Record<string, unknown>): InboundContent => {
  if (message.text !== undefined) return textContent(message, message.text);
  const caption = message.caption;
  if (message.photo && message.photo.length > 0) {
    const photo = largestPhoto(message.photo);
    return stripUndefined({ kind: "media" as const, media: mediaOf("image", photo), caption });
  }
  for (const [field, mediaType] of MEDIA_FIELDS) {
    const file = message[field];
    if (file) return stripUndefined({ kind: "media" as const, media: mediaOf(mediaType, file), caption });
  }
  if (message.location) {
    return stripUndefined({
      kind: "location" as const,
      ...message.location,
      name: message.venue?.title,
      address: message.venue?.address,
    });
  }
  if (message.contact) {
    const c = message.contact;
    const name = [c.first_name, c.last_name].filter(Boolean).join(" ") || undefined;
    return {
      kind: "contacts",
      contacts: [
        stripUndefined({
          name,
          phones: [{ phone: c.phone_number }],
          emails: [],
          userId: c.user_id === undefined ? undefined : String(c.user_id),
        }),
      ],
    };
  }
  const other =
    OTHER_KINDS.find((k) => k in raw) ??
    Object.keys(raw).find(
      (k) => !["message_id", "date", "chat", "from", "sender_chat", "edit_date", "message_thread_id"].includes(k),
    ) ??
    "empty";
  return { kind: "unsupported", providerType: other, reason: "message kind not handled by xin" };
};

/** The text of the inline button whose `callback_data` the customer sent back, if the keyboard is known. */
export const buttonTextOf = (markup: TelegramReplyMarkup | undefined, data: string): string | undefined =>
  markup?.inline_keyboard?.flat().find((b) => b.callback_data === data)?.text;
