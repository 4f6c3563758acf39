import { z } from "zod";

/** Secret tokens Telegram accepts for `setWebhook` (1–256 of A-Z a-z 0-9 _ -). */
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * What a Telegram channel needs. Fail closed: webhook mode requires a secret token, because Telegram
 * signs nothing else and a webhook without it would accept forged updates. Polling needs none.
 */
export const telegramCredentials = z
  .object({
    bot_token: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, "expected <bot id>:<secret> from @BotFather")
      .describe("Bot token from @BotFather"),
    mode: z.enum(["webhook", "polling"]).default("webhook").describe("webhook (public HTTPS) or polling (getUpdates)"),
    secret_token: z
      .string()
      .regex(SECRET_TOKEN, "1-256 characters of A-Z a-z 0-9 _ -")
      .optional()
      .describe("X-Telegram-Bot-Api-Secret-Token value"),
    bot_username: z
      .string()
      .regex(/^\w+$/)
      .optional()
      .describe("Bot username without @: tells which group mentions are for the bot"),
  })
  .refine((c) => c.mode === "polling" || c.secret_token !== undefined, {
    path: ["secret_token"],
    message: "required in webhook mode",
  });

export type TelegramCredentials = z.output<typeof telegramCredentials>;

/** The bot's own user id: the digits before the colon of its token. */
export const botIdOf = (token: string): string => token.slice(0, token.indexOf(":"));
