import { z } from "zod";
import { MAX_INSTANT_MS } from "../../runtime";
import { emptyParseResult, type InboundContent, type InboundMessage, type ParseResult } from "../inbound";
import { payloadInvalid } from "../errors";
import type { ChannelBinding } from "../types";
import { VISITOR_TEXT_LIMIT, WIDGET_UPLOADS } from "./capabilities";
import type { WidgetCredentials } from "./credentials";

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

const item = z.object({
  /** Chosen by the browser per message, so a resend after a dropped connection is the same message. */
  id: z.string().regex(CLIENT_ID),
  // Epoch ms within what xin stores (to 9999-12-31): a larger one would be an "Invalid Date" at write.
  sent_at: z.number().int().positive().max(MAX_INSTANT_MS),
  text: z
    .string()
    .min(1)
    .max(VISITOR_TEXT_LIMIT * 2)
    .optional(),
  button: z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(256) }).optional(),
  /** A file the gateway already stored (its upload route): named by content hash, with what it checked. */
  file: z
    .object({
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      size: z.number().int().positive().max(WIDGET_UPLOADS.maxBytes),
      mime_type: z
        .string()
        .refine((t) => WIDGET_UPLOADS.types.includes(t), `one of ${WIDGET_UPLOADS.types.join(", ")}`),
      name: z.string().min(1).max(200),
    })
    .optional(),
});

/**
 * The widget's ingest body: what gateway/widget builds from an authenticated socket frame or HTTP
 * fallback call (the visitor id comes from the verified token, never from the browser's JSON), and
 * what a server-to-server client signs for `/webhooks/web/<channel_id>`.
 */
export const widgetIngestSchema = z.object({
  visitor_id: z.string().regex(/^v_[A-Za-z0-9_-]{22}$/),
  visitor: z.object({ language: z.string().max(35).optional(), name: z.string().max(200).optional() }).default({}),
  messages: z.array(item).min(1).max(50),
});

export type WidgetIngest = z.input<typeof widgetIngestSchema>;

/** `<visitor id>:<client message id>`: unique per channel, and stable across resends. */
export const widgetMessageKey = (visitorId: string, clientId: string): string => `${visitorId}:${clientId}`;

const contentOf = (m: z.output<typeof item>): InboundContent | null => {
  if (m.file) {
    const { sha256, size, mime_type, name } = m.file;
    const media = {
      mediaType: mime_type.startsWith("image/") ? ("image" as const) : ("document" as const),
      id: sha256,
      mimeType: mime_type,
      filename: name,
      sizeBytes: size,
      sha256,
      blob: { sha256, size, mime_type },
    };
    return { kind: "media", media, ...(m.text?.trim() ? { caption: m.text } : {}) };
  }
  if (m.button) return { kind: "button_reply", source: "button", id: m.button.id, title: m.button.title };
  if (m.text !== undefined) return { kind: "text", text: m.text };
  return null;
};

/** Pure: ingest bytes → one text or button_reply message per item. Anything else is a 400. */
export const parseWidget = (body: Uint8Array, channel: ChannelBinding<WidgetCredentials>): ParseResult => {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw payloadInvalid("body is not JSON");
  }
  const parsed = widgetIngestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw payloadInvalid(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  const { visitor_id, visitor, messages } = parsed.data;
  const result = emptyParseResult();
  for (const m of messages) {
    const content = contentOf(m);
    if (!content) throw payloadInvalid("messages[]: needs text, a button or a file");
    const message: InboundMessage = {
      channel: "web",
      accountId: channel.credentials.widget_id,
      providerMessageId: widgetMessageKey(visitor_id, m.id),
      conversationId: visitor_id,
      isGroup: false,
      isAddressedToUs: true,
      contact: {
        id: visitor_id,
        ...(visitor.name ? { name: visitor.name } : {}),
        ...(visitor.language ? { languageCode: visitor.language } : {}),
      },
      timestamp: m.sent_at,
      content,
      isEcho: false,
      raw: m,
    };
    result.messages.push(message);
  }
  return result;
};
