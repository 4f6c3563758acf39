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
} satisfies Channel<typeof telegramCredentials>;

export { telegramCredentials, botIdOf, type TelegramCredentials } from "./credentials";
export { deleteTelegramWebhook, getTelegramMe, getTelegramWebhookInfo, setTelegramWebhook, telegramFileUrl, TELEGRAM_ALLOWED_UPDATES } from "./api";
export { messageKey } from "./parse";
