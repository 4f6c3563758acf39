/**
 * Outbound WhatsApp calls: `POST /{phone-number-id}/messages` for messages and actions, and
 * `POST /{phone-number-id}/media` (multipart) to upload a file first when the message carries bytes
 * instead of a public URL, so a server without a public address can still send files.
 */
import { z } from "zod";
import type { ChannelAction, ChannelContext, OutboundContent, OutboundMessage, SendResult } from "../types";
import { sendRejected } from "../errors";
import { graphCall } from "../meta";
import { actionBody, mediaPath, messageBody, messagesPath } from "./api";
import type { WhatsappCredentials } from "./credentials";

type Ctx = ChannelContext<WhatsappCredentials>;

const sendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const uploadResponseSchema = z.object({ id: z.string().min(1) });

/** A 2xx we cannot read may still have been sent; never retried, so it cannot duplicate. */
const unexpectedAnswer = (what: string) =>
  sendRejected(`unexpected ${what} answer from the Cloud API`, { reason: "unknown" });

export const uploadWhatsappMedia = async (
  ctx: Ctx,
  upload: { data: Uint8Array; filename: string; mimeType: string },
): Promise<string> => {
  const form = new FormData();
  form.append("messaging_product", "whatsapp");
  form.append("type", upload.mimeType);
  form.append("file", new Blob([new Uint8Array(upload.data)], { type: upload.mimeType }), upload.filename);
  const json = await graphCall(ctx, "POST", mediaPath(ctx.credentials.phone_number_id), { form });
  const parsed = uploadResponseSchema.safeParse(json);
  if (!parsed.success) throw unexpectedAnswer("media upload");
  return parsed.data.id;
};

const resolveMedia = async (ctx: Ctx, content: Extract<OutboundContent, { kind: "media" }>) => {
  const source = content.source;
  if ("url" in source) return { link: source.url };
  if ("providerMediaId" in source) return { id: source.providerMediaId };
  return { id: await uploadWhatsappMedia(ctx, source.upload) };
};

export const sendWhatsapp = async (message: OutboundMessage, ctx: Ctx): Promise<SendResult> => {
  const mediaRef = message.content.kind === "media" ? await resolveMedia(ctx, message.content) : undefined;
  const body = messageBody(message, mediaRef);
  const json = await graphCall(ctx, "POST", messagesPath(ctx.credentials.phone_number_id), { json: body });
  const parsed = sendResponseSchema.safeParse(json);
  if (!parsed.success) throw unexpectedAnswer("send");
  return { providerMessageId: parsed.data.messages[0].id };
};

export const actWhatsapp = async (action: ChannelAction, ctx: Ctx): Promise<void> => {
  const body = actionBody(action);
  if (!body) return;
  await graphCall(ctx, "POST", messagesPath(ctx.credentials.phone_number_id), { json: body });
};

const mediaInfoSchema = z.object({
  url: z.string().url(),
  mime_type: z.string().optional(),
  file_size: z.string().optional(),
});

/**
 * Where to download an inbound media id (`GET /{media-id}`): the URL is valid 5 minutes and must be
 * fetched with the same bearer token. For the media-fetch job.
 */
export const whatsappMediaUrl = async (ctx: Ctx, mediaId: string): Promise<{ url: string; mimeType?: string }> => {
  const json = await graphCall(
    ctx,
    "GET",
    `${encodeURIComponent(mediaId)}?phone_number_id=${ctx.credentials.phone_number_id}`,
    { none: true },
  );
  const parsed = mediaInfoSchema.safeParse(json);
  if (!parsed.success) throw unexpectedAnswer("media lookup");
  return { url: parsed.data.url, mimeType: parsed.data.mime_type };
};
