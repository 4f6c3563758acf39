/**
 * Outbound Telegram calls. JSON for everything, multipart when the message carries file bytes (the file
 * in its method's field: `photo`, `document`, ...). The stored id is `<chat id>:<message id>`.
 */
import { z } from "zod";
import type { ChannelAction, ChannelContext, OutboundMessage, SendResult } from "../types";
import { sendRejected } from "../errors";
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
  for (const [key, value] of Object.entries(request.fields)) form.append(key, typeof value === "string" ? value : JSON.stringify(value));
  const { field, data, filename, mimeType } = request.upload;
  form.append(field, new Blob([new Uint8Array(data)], { type: mimeType }), filename);
  return { form };
};

export const sendTelegram = async (message: OutboundMessage, ctx: Ctx): Promise<SendResult> => {
  const request = messageRequest(message);
  const result = sentSchema.safeParse(await callBotApi(ctx, request.method, bodyOf(request)));
  // Sent but unreadable: final, so a retry cannot post the message twice.
  if (!result.success) throw sendRejected("unexpected answer from the Bot API", { reason: "unknown" });
  return { providerMessageId: messageKey(result.data.chat.id, result.data.message_id) };
};

export const actTelegram = async (action: ChannelAction, ctx: Ctx): Promise<void> => {
  const request = actionRequest(action);
  if (request) await callBotApi(ctx, request.method, bodyOf(request));
};
