/**
 * Telegram signs nothing: the only proof is the `X-Telegram-Bot-Api-Secret-Token` header that
 * `setWebhook` told Telegram to send. Compared in constant time; a channel without a secret token
 * refuses every webhook (fail closed).
 */
import { constantTimeEqual } from "../../runtime";
import { methodNotAllowed, signatureInvalid } from "../errors";
import type { ChannelBinding, VerifyResult, WebhookRequest } from "../types";
import type { TelegramCredentials } from "./credentials";

export const verifyTelegram = (request: WebhookRequest, channel: ChannelBinding<TelegramCredentials>): VerifyResult => {
  const method = request.method.toUpperCase();
  if (method !== "POST") throw methodNotAllowed(method);
  const expected = channel.credentials.secret_token;
  if (!expected) throw signatureInvalid("channel has no secret token; webhooks are refused");
  const given = request.headers.get("x-telegram-bot-api-secret-token");
  if (given === null) throw signatureInvalid("X-Telegram-Bot-Api-Secret-Token header missing");
  if (!constantTimeEqual(given, expected)) throw signatureInvalid("secret token mismatch");
  return { kind: "verified" };
};
