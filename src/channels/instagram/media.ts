/**
 * Inbound Instagram media: the webhook carries a signed CDN URL that needs no token and expires after an
 * undocumented time, so the media job should run right after the message is stored. 403/404/410 from
 * the CDN mean the link expired: final, nothing can refresh it. A URL on any other host than Meta's is
 * refused unfetched (`channel.media_host_refused`).
 */
import type { ChannelContext, InboundMedia } from "../types";
import { sendRejected } from "../errors";
import { providerDownload, type DownloadedMedia } from "../http";
import { assertMetaMediaUrl } from "../meta";
import type { InstagramCredentials } from "./credentials";

const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

export const fetchInstagramMedia = async (
  media: InboundMedia,
  ctx: ChannelContext<InstagramCredentials>,
  options: { maxBytes?: number } = {},
): Promise<DownloadedMedia> => {
  if (!media.url) throw sendRejected("Instagram media without a URL", { reason: "payload" });
  // The URL comes straight from the webhook payload: only Meta's CDN (or the configured API root).
  assertMetaMediaUrl(media.url, ctx.baseUrl);
  const file = await providerDownload(ctx, media.url, {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    finalStatuses: { 403: "undeliverable", 404: "undeliverable", 410: "undeliverable" },
  });
  return { data: file.data, mimeType: media.mimeType ?? file.mimeType };
};
