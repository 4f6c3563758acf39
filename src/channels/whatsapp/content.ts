/**
 * One WhatsApp message object → `InboundContent`. Types xin does not handle (order, system, unknown
 * ones) and known types whose content object is absent (Meta sends `interactive` without one for
 * replies it cannot render) become `unsupported` with a reason; the caller keeps the raw object, so
 * nothing is lost. A content object that is present but of the wrong shape (`text.body` = 5, null, [])
 * is no message Meta sends: the whole payload is refused as `webhook.payload_invalid` naming the path.
 */
import type { z } from "zod";
import type { InboundContent, InboundMedia } from "../types";
import { parseShape, stripUndefined } from "../payload";
import { contentSchemas, mediaSchema, type WhatsappErrorItem } from "./schema";

const MEDIA_TYPES = new Set(["image", "video", "audio", "document", "sticker"]);

const unsupported = (providerType: string, reason: string): InboundContent => ({
  kind: "unsupported",
  providerType,
  reason,
});

/** The content object checked against its schema; null when the message carries none. */
const contentOf = <S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> | null =>
  value === undefined ? null : parseShape(schema, value, where);

const absent = (type: string) => unsupported(type, `no ${type} object`);

const mediaContent = (type: string, value: unknown, where: string): InboundContent => {
  const m = contentOf(mediaSchema, value, where);
  if (!m) return absent(type);
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

/** `where` is the message's path in the payload (`entry[0].changes[0].value.messages[0]`), for errors. */
export const mapContent = (
  type: string,
  message: Record<string, unknown>,
  errors?: WhatsappErrorItem[],
  where = "message",
): InboundContent => {
  const value = message[type];
  const at = `${where}.${type}`;
  if (MEDIA_TYPES.has(type)) return mediaContent(type, value, at);
  switch (type) {
    case "text": {
      const parsed = contentOf(contentSchemas.text, value, at);
      return parsed ? { kind: "text", text: parsed.body } : absent(type);
    }
    case "location": {
      const parsed = contentOf(contentSchemas.location, value, at);
      return parsed ? stripUndefined({ kind: "location", ...parsed }) : absent(type);
    }
    case "contacts": {
      const parsed = contentOf(contentSchemas.contacts, value, at);
      if (!parsed) return absent(type);
      const contacts = parsed.map((c) =>
        stripUndefined({
          name: c.name?.formatted_name ?? c.name?.first_name,
          phones: (c.phones ?? [])
            .filter((p) => p.phone)
            .map((p) => stripUndefined({ phone: p.phone!, waId: p.wa_id, type: p.type })),
          emails: (c.emails ?? []).flatMap((e) => (e.email ? [e.email] : [])),
        }),
      );
      return { kind: "contacts", contacts };
    }
    case "interactive": {
      const parsed = contentOf(contentSchemas.interactive, value, at);
      if (!parsed) return unsupported(type, errors?.length ? errorReason(errors) : `no ${type} object`);
      const { button_reply: button, list_reply: list } = parsed;
      if (parsed.type === "button_reply" && button)
        return { kind: "button_reply", source: "button", id: button.id, title: button.title };
      if (parsed.type === "list_reply" && list) {
        return stripUndefined({
          kind: "button_reply",
          source: "list",
          id: list.id,
          title: list.title,
          description: list.description,
        });
      }
      return unsupported(`interactive.${parsed.type}`, "interactive reply type not handled");
    }
    case "button": {
      const parsed = contentOf(contentSchemas.button, value, at);
      return parsed
        ? { kind: "button_reply", source: "template_button", id: parsed.payload, title: parsed.text }
        : absent(type);
    }
    case "reaction": {
      const parsed = contentOf(contentSchemas.reaction, value, at);
      if (!parsed) return absent(type);
      const { message_id: targetMessageId, emoji } = parsed;
      // Meta omits `emoji` (or sends "") when the customer removes a reaction.
      return emoji
        ? { kind: "reaction", targetMessageId, emoji, action: "react" }
        : { kind: "reaction", targetMessageId, action: "unreact" };
    }
    case "edit": {
      const parsed = contentOf(contentSchemas.edit, value, at);
      if (!parsed) return absent(type);
      const inner = parsed.message;
      const innerType = typeof inner.type === "string" ? inner.type : "text";
      return {
        kind: "edit",
        originalMessageId: parsed.original_message_id,
        content: mapContent(innerType, inner, undefined, `${at}.message`),
      };
    }
    case "unsupported":
    case "unknown":
      return unsupported(type, errorReason(errors));
    default:
      return unsupported(type, "message type not handled by xin");
  }
};
