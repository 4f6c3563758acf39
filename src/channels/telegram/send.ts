/**
 * Outbound Telegram calls. JSON for everything, multipart when the message carries file bytes (the file
 * in its method's field: `photo`, `document`, ...). The stored id is `<chat id>:<message id>`.
 */
import { z } from "zod";
import type { ChannelAction, ChannelContext, OutboundMessage, SendResult } from "../types";
import { ChannelError, sendRejected } from "../errors";
import { renderMarkdown } from "../text";
import type { RequestBody } from "../http";
import { callBotApi } from "./api";
import type { TelegramCredentials } from "./credentials";
import { messageKey } from "./parse";
import { actionRequest, messageRequest, type BotRequest } from "./requests";

type Ctx = ChannelContext<TelegramCredentials>;

const sentSchema = z.object({ message_id: z.number(), chat: z.object({ id: z.number() }) });

const bodyOf = (request: BotRequest): RequestBody => {
  if (!request.upload) return { json: request.fields };
  const form = new FormData();
  for (const [key, value] of Object.entries(request.fields))
    form.append(key, typeof value === "string" ? value : JSON.stringify(value));
  const { field, data, filename, mimeType } = request.upload;
  form.append(field, new Blob([new Uint8Array(data)], { type: mimeType }), filename);
  return { form };
};

const isEntityParseError = (error: unknown): boolean =>
  error instanceof ChannelError && !error.retryable && /can't parse entities/i.test(error.message);

/**
 * Sends MarkdownV2 when the text is Markdown; if Telegram cannot parse the entities (LLM output is not
 * always well-formed), nothing was sent, so the same text goes once more as plain text.
 */
const callWithPlainFallback = async (message: OutboundMessage, ctx: Ctx): Promise<unknown> => {
  const request = messageRequest(message);
  try {
    return await callBotApi(ctx, request.method, bodyOf(request));
  } catch (error) {
    const content = message.content;
    if (content.kind !== "text" || content.format !== "markdown" || !isEntityParseError(error)) throw error;
    const plain = messageRequest({
      ...message,
      content: { ...content, text: renderMarkdown(content.text, "plain"), format: "plain" },
    });
    return callBotApi(ctx, plain.method, bodyOf(plain));
  }
};

export const sendTelegram = async (message: OutboundMessage, ctx: Ctx): Promise<SendResult> => {
  const result = sentSchema.safeParse(await callWithPlainFallback(message, ctx));
  // Sent but unreadable: final, so a retry cannot post the message twice.
  if (!result.success) throw sendRejected("unexpected answer from the Bot API", { reason: "unknown" });
  return { providerMessageId: messageKey(result.data.chat.id, result.data.message_id) };
};

export const actTelegram = async (action: ChannelAction, ctx: Ctx): Promise<void> => {
  const request = actionRequest(action);
  if (request) await callBotApi(ctx, request.method, bodyOf(request));
};
