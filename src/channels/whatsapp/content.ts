/**
 * One WhatsApp message object → `InboundContent`. Known types whose content object is malformed, and
 * types xin does not handle (order, system, unknown ones), become `unsupported` with a reason; the caller
 * keeps the raw object, so nothing is lost.
 */
import type { InboundContent, InboundMedia } from "../types";
import { stripUndefined } from "../payload";
import { contentSchemas, mediaSchema, type WhatsappErrorItem } from "./schema";

const MEDIA_TYPES = new Set(["image", "video", "audio", "document", "sticker"]);

const unsupported = (providerType: string, reason: string): InboundContent => ({ kind: "unsupported", providerType, reason });

const mediaContent = (type: string, value: unknown): InboundContent => {
  const parsed = mediaSchema.safeParse(value);
  if (!parsed.success) return unsupported(type, `malformed ${type} object`);
  const m = parsed.data;
  const media: InboundMedia = {
    mediaType: type === "audio" && m.voice === true ? "voice" : (type as InboundMedia["mediaType"]),
    id: m.id,
    url: m.url,
    mimeType: m.mime_type,
    filename: m.filename,
    sha256: m.sha256,
  };
  return { kind: "media", media: stripUndefined(media), caption: m.caption };
};

const errorReason = (errors: WhatsappErrorItem[] | undefined): string => {
  const first = errors?.[0];
  if (!first) return "unsupported message type";
  return [`${first.code}`, first.title, first.error_data?.details].filter(Boolean).join(": ");
};

export const mapContent = (type: string, message: Record<string, unknown>, errors?: WhatsappErrorItem[]): InboundContent => {
  const value = message[type];
  if (MEDIA_TYPES.has(type)) return mediaContent(type, value);
  switch (type) {
    case "text": {
      const parsed = contentSchemas.text.safeParse(value);
      return parsed.success ? { kind: "text", text: parsed.data.body } : unsupported(type, "malformed text object");
    }
    case "location": {
      const parsed = contentSchemas.location.safeParse(value);
      return parsed.success ? stripUndefined({ kind: "location", ...parsed.data }) : unsupported(type, "malformed location object");
    }
    case "contacts": {
      const parsed = contentSchemas.contacts.safeParse(value);
      if (!parsed.success) return unsupported(type, "malformed contacts array");
      const contacts = parsed.data.map((c) =>
        stripUndefined({
          name: c.name?.formatted_name ?? c.name?.first_name,
          phones: (c.phones ?? []).filter((p) => p.phone).map((p) => stripUndefined({ phone: p.phone!, waId: p.wa_id, type: p.type })),
          emails: (c.emails ?? []).flatMap((e) => (e.email ? [e.email] : [])),
        }),
      );
      return { kind: "contacts", contacts };
    }
    case "interactive": {
      const parsed = contentSchemas.interactive.safeParse(value);
      if (!parsed.success) return unsupported(type, "malformed interactive object");
      const { button_reply: button, list_reply: list } = parsed.data;
      if (parsed.data.type === "button_reply" && button) return { kind: "button_reply", source: "button", id: button.id, title: button.title };
      if (parsed.data.type === "list_reply" && list) {
        return stripUndefined({ kind: "button_reply", source: "list", id: list.id, title: list.title, description: list.description });
      }
      return unsupported(`interactive.${parsed.data.type}`, "interactive reply type not handled");
    }
    case "button": {
      const parsed = contentSchemas.button.safeParse(value);
      return parsed.success
        ? { kind: "button_reply", source: "template_button", id: parsed.data.payload, title: parsed.data.text }
        : unsupported(type, "malformed button object");
    }
    case "reaction": {
      const parsed = contentSchemas.reaction.safeParse(value);
      if (!parsed.success) return unsupported(type, "malformed reaction object");
      const { message_id: targetMessageId, emoji } = parsed.data;
      // Meta omits `emoji` (or sends "") when the customer removes a reaction.
      return emoji ? { kind: "reaction", targetMessageId, emoji, action: "react" } : { kind: "reaction", targetMessageId, action: "unreact" };
    }
    case "edit": {
      const parsed = contentSchemas.edit.safeParse(value);
      if (!parsed.success) return unsupported(type, "malformed edit object");
      const inner = parsed.data.message;
      const innerType = typeof inner.type === "string" ? inner.type : "text";
      return { kind: "edit", originalMessageId: parsed.data.original_message_id, content: mapContent(innerType, inner) };
    }
    case "unsupported":
    case "unknown":
      return unsupported(type, errorReason(errors));
    default:
      return unsupported(type, "message type not handled by xin");
  }
};
