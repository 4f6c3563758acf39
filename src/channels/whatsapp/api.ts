/**
 * Pure builders of the Cloud API request bodies (channels.md §1.8), kept apart from the HTTP calls so
 * tests compare them with fixtures/channels/whatsapp/send/*.request.json directly.
 */
import type { ChannelAction, OutboundContent, OutboundMessage, QuickReply } from "../types";
import { sendRejected } from "../errors";
import { measureText, renderMarkdown } from "../text";
import { stripUndefined } from "../payload";
import { whatsappCapabilities } from "./capabilities";

export const messagesPath = (phoneNumberId: string) => `${phoneNumberId}/messages`;
export const mediaPath = (phoneNumberId: string) => `${phoneNumberId}/media`;

// ISO country code + "." + alphanumerics: a business-scoped user id, sent as `recipient` (2026).
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9.]+$/;

/** `to` with "+" (so Meta never prepends the business number's country code), or `recipient` for a BSUID. */
export const recipientFields = (conversationId: string): Record<string, string> =>
  BSUID.test(conversationId) ? { recipient: conversationId } : { to: `+${conversationId.replace(/^\+/, "")}` };

const truncate = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
};

const reply = (b: QuickReply) => ({ type: "reply", reply: { id: b.id, title: truncate(b.title, 20) } });

const checkLength = (text: string, limit: number, what: string) => {
  if (measureText(text, "code_points") > limit) {
    throw sendRejected(`${what} longer than ${limit} characters; split it before sending`, { reason: "too_long" });
  }
};

const listBody = (c: Extract<OutboundContent, { kind: "list" }>) =>
  stripUndefined({
    type: "list",
    header: c.header ? { type: "text", text: c.header } : undefined,
    body: { text: c.text },
    footer: c.footer ? { text: c.footer } : undefined,
    action: {
      button: truncate(c.buttonLabel, 20),
      sections: c.sections.map((s) =>
        stripUndefined({
          title: s.title,
          rows: s.rows.map((r) =>
            stripUndefined({ id: r.id, title: truncate(r.title, 24), description: r.description }),
          ),
        }),
      ),
    },
  });

type MediaRef = { link: string } | { id: string };

/** The type-specific part of a message body. Media uploads must be resolved to an id first (`mediaRef`). */
export const contentFields = (content: OutboundContent, mediaRef?: MediaRef): Record<string, unknown> => {
  switch (content.kind) {
    case "text": {
      const body = content.format === "markdown" ? renderMarkdown(content.text, "whatsapp") : content.text;
      checkLength(body, whatsappCapabilities.text.limit, "text");
      return { type: "text", text: { preview_url: content.previewUrl ?? false, body } };
    }
    case "buttons": {
      checkLength(content.text, 1024, "button message body");
      // More than 3 choices do not fit reply buttons; a one-section list holds up to 10.
      if (content.buttons.length > 3) {
        return contentFields({
          kind: "list",
          text: content.text,
          buttonLabel: "Choose",
          sections: [{ rows: content.buttons }],
          header: content.header,
          footer: content.footer,
        });
      }
      const interactive = stripUndefined({
        type: "button",
        header: content.header ? { type: "text", text: content.header } : undefined,
        body: { text: content.text },
        footer: content.footer ? { text: content.footer } : undefined,
        action: { buttons: content.buttons.map(reply) },
      });
      return { type: "interactive", interactive };
    }
    case "list": {
      checkLength(content.text, 1024, "list message body");
      if (content.sections.reduce((n, s) => n + s.rows.length, 0) > 10) {
        throw sendRejected("a WhatsApp list holds at most 10 rows", { reason: "payload" });
      }
      return { type: "interactive", interactive: listBody(content) };
    }
    case "media": {
      if (!mediaRef)
        throw sendRejected("media must be resolved to a link or an uploaded id first", { reason: "payload" });
      const hasCaption = content.mediaType !== "audio";
      if (content.caption && !hasCaption)
        throw sendRejected("WhatsApp audio has no caption; send the caption as its own text", {
          reason: "unsupported",
        });
      if (content.caption) checkLength(content.caption, whatsappCapabilities.text.captionLimit, "caption");
      const media = stripUndefined({
        ...mediaRef,
        filename: content.mediaType === "document" ? (content.filename ?? uploadName(content)) : undefined,
        caption: hasCaption ? content.caption : undefined,
      });
      return { type: content.mediaType, [content.mediaType]: media };
    }
    case "template": {
      const components: Record<string, unknown>[] = [];
      if (content.bodyParams.length > 0) {
        components.push({ type: "body", parameters: content.bodyParams.map((text) => ({ type: "text", text })) });
      }
      (content.quickReplyPayloads ?? []).forEach((payload, index) => {
        components.push({
          type: "button",
          sub_type: "quick_reply",
          index: String(index),
          parameters: [{ type: "payload", payload }],
        });
      });
      return { type: "template", template: { name: content.name, language: { code: content.language }, components } };
    }
  }
};

const uploadName = (content: Extract<OutboundContent, { kind: "media" }>): string | undefined =>
  "upload" in content.source ? content.source.upload.filename : undefined;

export const messageBody = (message: OutboundMessage, mediaRef?: MediaRef): Record<string, unknown> => ({
  messaging_product: "whatsapp",
  recipient_type: "individual",
  ...recipientFields(message.conversationId),
  ...contentFields(message.content, mediaRef),
  ...(message.replyTo ? { context: { message_id: message.replyTo } } : {}),
  // Echoed in every status webhook of this message: what settles an attempt whose answer xin lost.
  ...(message.attemptId ? { biz_opaque_callback_data: message.attemptId } : {}),
});

/** Body for an action, or undefined when WhatsApp has no such action (callback answers). */
export const actionBody = (action: ChannelAction): Record<string, unknown> | undefined => {
  switch (action.kind) {
    case "mark_read":
      return { messaging_product: "whatsapp", status: "read", message_id: action.providerMessageId };
    case "typing":
      // The typing indicator is tied to the inbound message being answered (and marks it read).
      return action.providerMessageId
        ? {
            messaging_product: "whatsapp",
            status: "read",
            message_id: action.providerMessageId,
            typing_indicator: { type: "text" },
          }
        : undefined;
    case "react":
      return {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        ...recipientFields(action.conversationId),
        type: "reaction",
        reaction: { message_id: action.providerMessageId, emoji: action.emoji },
      };
    case "answer_callback":
      return undefined;
  }
};
