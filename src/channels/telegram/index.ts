/**
 * Telegram Bot API adapter: webhook with a secret token, or getUpdates long polling. Conversations are
 * chats (private or group); no messaging window; replies in groups quote the customer's message.
 */
import type { Channel } from "../types";
import { fetchTelegramMedia } from "./media";
import { telegramCapabilities } from "./capabilities";
import { botIdOf, telegramCredentials, type TelegramCredentials } from "./credentials";
import { parseTelegram } from "./parse";
import { pollTelegram } from "./poll";
import { actTelegram, sendTelegram } from "./send";
import { verifyTelegram } from "./verify";
import { deleteTelegramWebhook, getTelegramMe, getTelegramWebhookInfo, setTelegramWebhook } from "./api";

export const telegram = {
  id: "telegram",
  displayName: "Telegram",
  capabilities: telegramCapabilities,
  credentials: telegramCredentials,
  defaultBaseUrl: "https://api.telegram.org",
  accountIdOf: (c: TelegramCredentials) => botIdOf(c.bot_token),
  verify: verifyTelegram,
  parse: parseTelegram,
  send: sendTelegram,
  act: actTelegram,
  fetchMedia: fetchTelegramMedia,
  poll: pollTelegram,
  check: async (ctx) => {
    const me = await getTelegramMe(ctx);
    return `bot @${me.username ?? "?"} (id ${me.id}) accepted the token`;
  },
  webhookRegistration: async (ctx) => {
    const info = await getTelegramWebhookInfo(ctx);
    const at = info.last_error_date ? new Date(info.last_error_date * 1000).toISOString() : null;
    return {
      url: info.url,
      pending: info.pending_update_count ?? 0,
      lastError: info.last_error_message ? { message: info.last_error_message, at } : null,
    };
  },
  connect: async (ctx, webhookUrl) => {
    if (ctx.credentials.mode === "polling") {
      await deleteTelegramWebhook(ctx);
      return "polling mode: any webhook removed, xin serve polls getUpdates";
    }
    if (!webhookUrl)
      return "webhook mode, but no server.public_url is set: configure it, then run `xin channel connect`";
    await setTelegramWebhook(ctx, webhookUrl);
    return `webhook set to ${webhookUrl} with the secret token`;
  },
} satisfies Channel<typeof telegramCredentials>;

export { telegramCredentials, botIdOf, type TelegramCredentials } from "./credentials";
export {
  deleteTelegramWebhook,
  getTelegramMe,
  getTelegramWebhookInfo,
  setTelegramWebhook,
  telegramFileUrl,
  TELEGRAM_ALLOWED_UPDATES,
} from "./api";
export { messageKey } from "./parse";
