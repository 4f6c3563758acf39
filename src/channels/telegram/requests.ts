/**
 * Pure builders of Bot API send requests (method + JSON fields), compared in tests with
 * fixtures/channels/telegram/send/*.request.json. Uploads are turned into multipart by send.ts.
 */
import type { ChannelAction, OutboundContent, OutboundMessage, QuickReply } from "../types";
import { sendRejected } from "../errors";
import { measureText, renderMarkdown } from "../text";
import { telegramCapabilities } from "./capabilities";

export type BotRequest = {
  method: string;
  fields: Record<string, unknown>;
  upload?: { field: string; data: Uint8Array; filename: string; mimeType: string };
};

/** Numeric chat ids go out as numbers (as Telegram documents them); `@channel` names as strings. */
export const chatIdOf = (conversationId: string): number | string =>
  /^-?\d+$/.test(conversationId) ? Number(conversationId) : conversationId;

/** Our message keys are `<chat>:<message>`; Telegram wants only the message id. */
export const messageIdOf = (providerMessageId: string): number =>
  Number(providerMessageId.slice(providerMessageId.lastIndexOf(":") + 1));

const encoder = new TextEncoder();

const keyboard = (buttons: QuickReply[], columns: number) => {
  for (const b of buttons) {
    if (encoder.encode(b.id).length > 64)
      throw sendRejected("callback_data longer than 64 bytes", { reason: "payload" });
  }
  const rows: { text: string; callback_data: string }[][] = [];
  buttons.forEach((b, i) => {
    if (i % columns === 0) rows.push([]);
    rows[rows.length - 1].push({ text: b.title, callback_data: b.id });
  });
  return { inline_keyboard: rows };
};

const checkLength = (plain: string, limit: number, what: string) => {
  // Telegram counts UTF-16 code units after entity parsing, i.e. of the text without markup.
  if (measureText(plain, "utf16") > limit)
    throw sendRejected(`${what} longer than ${limit} characters; split it before sending`, { reason: "too_long" });
};

const MEDIA_METHODS = {
  image: ["sendPhoto", "photo"],
  document: ["sendDocument", "document"],
  video: ["sendVideo", "video"],
  audio: ["sendAudio", "audio"],
} as const;

const contentRequest = (content: OutboundContent): BotRequest => {
  switch (content.kind) {
    case "text": {
      if (content.format !== "markdown") {
        checkLength(content.text, telegramCapabilities.text.limit, "text");
        return {
          method: "sendMessage",
          fields: {
            text: content.text,
            ...(content.previewUrl === false ? { link_preview_options: { is_disabled: true } } : {}),
          },
        };
      }
      checkLength(renderMarkdown(content.text, "plain"), telegramCapabilities.text.limit, "text");
      return {
        method: "sendMessage",
        fields: { text: renderMarkdown(content.text, "telegram_markdown_v2"), parse_mode: "MarkdownV2" },
      };
    }
    case "buttons":
      checkLength(content.text, telegramCapabilities.text.limit, "text");
      return {
        method: "sendMessage",
        fields: { text: content.text, reply_markup: keyboard(content.buttons, content.columns ?? 2) },
      };
    case "list":
      return contentRequest({
        kind: "buttons",
        text: content.text,
        buttons: content.sections.flatMap((s) => s.rows),
        columns: 1,
      });
    case "media": {
      const [method, field] = MEDIA_METHODS[content.mediaType];
      if (content.caption) checkLength(content.caption, telegramCapabilities.text.captionLimit, "caption");
      const fields: Record<string, unknown> = content.caption ? { caption: content.caption } : {};
      const source = content.source;
      if ("upload" in source) return { method, fields, upload: { field, ...source.upload } };
      fields[field] = "url" in source ? source.url : source.providerMediaId;
      return { method, fields };
    }
    case "template":
      throw sendRejected("Telegram has no message templates", { reason: "unsupported" });
  }
};

export const messageRequest = (message: OutboundMessage): BotRequest => {
  const request = contentRequest(message.content);
  const fields: Record<string, unknown> = { chat_id: chatIdOf(message.conversationId), ...request.fields };
  if (message.replyTo) fields.reply_parameters = { message_id: messageIdOf(message.replyTo) };
  return { ...request, fields };
};

/** Request for an action, or undefined where Telegram has none (read receipts). */
export const actionRequest = (action: ChannelAction): BotRequest | undefined => {
  switch (action.kind) {
    case "typing":
      return { method: "sendChatAction", fields: { chat_id: chatIdOf(action.conversationId), action: "typing" } };
    case "react":
      return {
        method: "setMessageReaction",
        fields: {
          chat_id: chatIdOf(action.conversationId),
          message_id: messageIdOf(action.providerMessageId),
          reaction: [{ type: "emoji", emoji: action.emoji }],
        },
      };
    case "answer_callback":
      return {
        method: "answerCallbackQuery",
        fields: { callback_query_id: action.queryId, ...(action.text ? { text: action.text } : {}) },
      };
    case "mark_read":
      return undefined;
  }
};
