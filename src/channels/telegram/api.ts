/**
 * Bot API calls: `POST {baseUrl}/bot<token>/<method>` with a JSON or multipart body, answers
 * `{ok: true, result}` or `{ok: false, error_code, description, parameters?}`. Failures are classified by
 * `parameters` and `description` first (Telegram warns `error_code` may change), then by code.
 * Also the management calls `xin channel add` and the media job need (setWebhook, getFile, ...).
 */
import { z } from "zod";
import type { ChannelContext } from "../types";
import { ChannelError, sendRejected, sendRetryable } from "../errors";
import { providerRequest, retryAfterHeaderMs, type RequestBody } from "../http";
import type { TelegramCredentials } from "./credentials";

type Ctx = Pick<ChannelContext<TelegramCredentials>, "credentials" | "baseUrl" | "fetch" | "signal" | "deadline">;

const failureSchema = z.object({
  ok: z.literal(false),
  error_code: z.number(),
  description: z.string().default(""),
  parameters: z.object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() }).optional(),
});
const successSchema = z.object({ ok: z.literal(true), result: z.unknown() });

export const methodUrl = (ctx: Pick<Ctx, "baseUrl" | "credentials">, method: string): string =>
  `${ctx.baseUrl.replace(/\/+$/, "")}/bot${ctx.credentials.bot_token}/${method}`;

/** Turns a failed Bot API answer into the `ChannelError` the worker (or poller) acts on. */
export const classifyTelegramFailure = (status: number, headers: Headers, body: unknown): ChannelError => {
  const parsed = failureSchema.safeParse(body);
  if (!parsed.success) {
    const reason = status === 429 ? "rate_limited" : "unavailable";
    if (status === 429 || status >= 500)
      return sendRetryable(`Bot API answered HTTP ${status}`, { reason, retryAfterMs: retryAfterHeaderMs(headers) });
    return sendRejected(`Bot API answered HTTP ${status}`, { reason: "unknown" });
  }
  const { error_code: code, description, parameters } = parsed.data;
  const text = description || `Bot API error ${code}`;
  const providerCode = String(code);
  const lower = description.toLowerCase();
  if (parameters?.retry_after !== undefined || code === 429) {
    // Honour Telegram's own wait exactly; earlier retries only extend the flood ban.
    return sendRetryable(text, {
      reason: "rate_limited",
      providerCode,
      retryAfterMs: (parameters?.retry_after ?? 1) * 1000,
    });
  }
  if (parameters?.migrate_to_chat_id !== undefined) {
    return sendRejected(text, {
      reason: "chat_migrated",
      providerCode,
      data: { migrate_to_chat_id: String(parameters.migrate_to_chat_id) },
    });
  }
  if (code >= 500) return sendRetryable(text, { reason: "unavailable", providerCode });
  if (code === 401 || code === 404)
    return sendRejected(code === 401 ? text : "bot token not recognised", { reason: "auth", providerCode });
  if (code === 409)
    return new ChannelError("channel.poll_conflict", text, { retryable: false, reason: "conflict", providerCode });
  if (code === 403) {
    const isBlocked = /blocked|deactivated|kicked|not a member/.test(lower);
    return sendRejected(text, { reason: isBlocked ? "blocked" : "permission", providerCode });
  }
  if (lower.includes("message is too long") || lower.includes("too long"))
    return sendRejected(text, { reason: "too_long", providerCode });
  if (lower.includes("chat not found") || lower.includes("user not found"))
    return sendRejected(text, { reason: "undeliverable", providerCode });
  return sendRejected(text, { reason: "payload", providerCode });
};

/** Calls a Bot API method; resolves with `result`, rejects with a classified `ChannelError`. */
export const callBotApi = async (ctx: Ctx, method: string, body: RequestBody): Promise<unknown> => {
  const response = await providerRequest(ctx, "POST", methodUrl(ctx, method), body);
  const ok = successSchema.safeParse(response.json);
  if (response.status >= 200 && response.status < 300 && ok.success) return ok.data.result;
  throw classifyTelegramFailure(response.status, response.headers, response.json);
};

/** The update kinds xin handles; used for `allowed_updates` in setWebhook and getUpdates. */
export const TELEGRAM_ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "channel_post",
  "callback_query",
  "my_chat_member",
  "message_reaction",
];

export const setTelegramWebhook = async (
  ctx: Ctx,
  url: string,
  options: { allowedUpdates?: string[]; dropPendingUpdates?: boolean } = {},
): Promise<void> => {
  if (!ctx.credentials.secret_token) throw sendRejected("a webhook needs a secret token", { reason: "payload" });
  await callBotApi(ctx, "setWebhook", {
    json: {
      url,
      secret_token: ctx.credentials.secret_token,
      allowed_updates: options.allowedUpdates ?? TELEGRAM_ALLOWED_UPDATES,
      drop_pending_updates: options.dropPendingUpdates ?? false,
    },
  });
};

export const deleteTelegramWebhook = async (ctx: Ctx, dropPendingUpdates = false): Promise<void> => {
  await callBotApi(ctx, "deleteWebhook", { json: { drop_pending_updates: dropPendingUpdates } });
};

const webhookInfoSchema = z.object({
  url: z.string(),
  pending_update_count: z.number().optional(),
  last_error_message: z.string().optional(),
  last_error_date: z.number().optional(),
});
export const getTelegramWebhookInfo = async (ctx: Ctx) =>
  webhookInfoSchema.parse(await callBotApi(ctx, "getWebhookInfo", { json: {} }));

const meSchema = z.object({ id: z.number(), username: z.string().optional(), first_name: z.string().optional() });
/** Token check for `xin channel test`: the bot's identity. */
export const getTelegramMe = async (ctx: Ctx) => meSchema.parse(await callBotApi(ctx, "getMe", { json: {} }));

const fileSchema = z.object({
  file_id: z.string(),
  file_path: z.string().optional(),
  file_size: z.number().optional(),
});
/** Download URL of an inbound file (valid ≥ 1 h; files over 20 MB have no `file_path`). */
export const telegramFileUrl = async (ctx: Ctx, fileId: string): Promise<string | undefined> => {
  const file = fileSchema.parse(await callBotApi(ctx, "getFile", { json: { file_id: fileId } }));
  return file.file_path
    ? `${ctx.baseUrl.replace(/\/+$/, "")}/file/bot${ctx.credentials.bot_token}/${file.file_path}`
    : undefined;
};
