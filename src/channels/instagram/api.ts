/**
 * Pure builders of Instagram Send API bodies (channels.md §2.5), compared in tests with
 * fixtures/channels/instagram/send/*.request.json.
 */
import type { ChannelAction, OutboundContent, OutboundMessage, QuickReply } from "../types";
import { sendRejected } from "../errors";
import { stripUndefined } from "../payload";
import { measureText, renderMarkdown } from "../text";
import { instagramCapabilities } from "./capabilities";

export const messagesPath = (igUserId: string) => `${igUserId}/messages`;

const ATTACHMENT_TYPES = { image: "image", video: "video", audio: "audio", document: "file" } as const;

const truncate = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
};

const checkText = (text: string) => {
  if (measureText(text, "utf8_bytes") > instagramCapabilities.text.limit) {
    throw sendRejected("text longer than 1000 UTF-8 bytes; split it before sending", { reason: "too_long" });
  }
};

const quickReplies = (text: string, buttons: QuickReply[]) => {
  if (buttons.length > instagramCapabilities.buttons.maxCount) {
    throw sendRejected("Instagram allows at most 13 quick replies", { reason: "payload" });
  }
  checkText(text);
  return {
    text,
    quick_replies: buttons.map((b) => ({ content_type: "text", title: truncate(b.title, 20), payload: b.id })),
  };
};

const messageOf = (content: OutboundContent): Record<string, unknown> => {
  switch (content.kind) {
    case "text": {
      // Instagram renders no markup: Markdown is flattened to plain text.
      const text = content.format === "markdown" ? renderMarkdown(content.text, "plain") : content.text;
      checkText(text);
      return { text };
    }
    case "buttons":
      return quickReplies(content.text, content.buttons);
    case "list":
      return quickReplies(
        content.text,
        content.sections.flatMap((s) => s.rows),
      );
    case "media": {
      if (content.caption)
        throw sendRejected("Instagram attachments have no caption; send the caption as its own text", {
          reason: "unsupported",
        });
      const source = content.source;
      if ("upload" in source)
        throw sendRejected("Instagram does not take uploads here; send the file by URL", { reason: "unsupported" });
      const payload = "url" in source ? { url: source.url } : { attachment_id: source.providerMediaId };
      return { attachment: { type: ATTACHMENT_TYPES[content.mediaType], payload } };
    }
    case "template":
      throw sendRejected("Instagram has no message templates", { reason: "unsupported" });
  }
};

export const messageBody = (message: OutboundMessage): Record<string, unknown> =>
  stripUndefined({
    recipient: { id: message.conversationId },
    // Only humans may use the HUMAN_AGENT tag (up to 7 days after the customer's last message).
    messaging_type: message.isHumanAgent ? "MESSAGE_TAG" : undefined,
    tag: message.isHumanAgent ? "HUMAN_AGENT" : undefined,
    message: messageOf(message.content),
    reply_to: message.replyTo ? { mid: message.replyTo } : undefined,
  });

/** Sender actions carry nothing but `recipient` and `sender_action` (+ `payload` for reactions). */
export const actionBody = (action: ChannelAction): Record<string, unknown> | undefined => {
  const recipient = { id: action.conversationId };
  switch (action.kind) {
    case "typing":
      return { recipient, sender_action: "typing_on" };
    case "mark_read":
      return { recipient, sender_action: "mark_seen" };
    case "react":
      // The Send API's reaction vocabulary is the heart ("love"), whatever emoji the caller asked for.
      return { recipient, sender_action: "react", payload: { message_id: action.providerMessageId, reaction: "love" } };
    case "answer_callback":
      return undefined;
  }
};
