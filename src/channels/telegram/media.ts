/**
 * Inbound Telegram media: `getFile` → `{baseUrl}/file/bot<token>/<file_path>` (valid ≥ 1 h). Bots may
 * download at most 20 MB; larger files have no `file_path` and are refused as final.
 */
import type { ChannelContext, InboundMedia } from "../types";
import { sendRejected } from "../errors";
import { providerDownload, type DownloadedMedia } from "../http";
import { telegramFileUrl } from "./api";
import type { TelegramCredentials } from "./credentials";

const BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export const fetchTelegramMedia = async (
  media: InboundMedia,
  ctx: ChannelContext<TelegramCredentials>,
  options: { maxBytes?: number } = {},
): Promise<DownloadedMedia> => {
  if (!media.id) throw sendRejected("Telegram media without a file_id", { reason: "payload" });
  const url = await telegramFileUrl(ctx, media.id);
  if (!url) throw sendRejected("file too large for a bot to download (over 20 MB)", { reason: "payload" });
  const file = await providerDownload(ctx, url, {
    maxBytes: Math.min(options.maxBytes ?? BOT_DOWNLOAD_LIMIT, BOT_DOWNLOAD_LIMIT),
    finalStatuses: { 401: "auth" },
    // A stale file path: the next attempt calls getFile again.
    retryStatuses: [404],
  });
  return { data: file.data, mimeType: media.mimeType ?? file.mimeType };
};
