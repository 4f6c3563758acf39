/**
 * Inbound WhatsApp media: the webhook's `url` is optional (rolled out from Nov 2025), so the id is the
 * source of truth: `GET /{media-id}` gives a URL valid 5 minutes, fetched with the same bearer token.
 * A 404 there means the URL expired: retryable (the next attempt asks for a fresh one).
 */
import type { ChannelContext, InboundMedia } from "../types";
import { sendRejected } from "../errors";
import { providerDownload, type DownloadedMedia } from "../http";
import { assertMetaMediaUrl } from "../meta";
import type { WhatsappCredentials } from "./credentials";
import { whatsappMediaUrl } from "./send";

// Documents may be up to 100 MB on WhatsApp.
const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

export const fetchWhatsappMedia = async (
  media: InboundMedia,
  ctx: ChannelContext<WhatsappCredentials>,
  options: { maxBytes?: number } = {},
): Promise<DownloadedMedia> => {
  if (!media.id) throw sendRejected("WhatsApp media without an id", { reason: "payload" });
  // The payload's own `url` is never used; the Graph API's answer is held to Meta's hosts as well.
  const { url, mimeType } = await whatsappMediaUrl(ctx, media.id);
  assertMetaMediaUrl(url, ctx.baseUrl);
  const file = await providerDownload(ctx, url, {
    headers: { authorization: `Bearer ${ctx.credentials.access_token}` },
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    finalStatuses: { 401: "auth", 403: "auth" },
    retryStatuses: [404],
  });
  return { data: file.data, mimeType: media.mimeType ?? mimeType ?? file.mimeType };
};
