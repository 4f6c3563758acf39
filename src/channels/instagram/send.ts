/** Outbound Instagram calls: `POST /{ig-user-id}/messages` for messages and sender actions. */
import { z } from "zod";
import type { ChannelAction, ChannelContext, OutboundMessage, SendResult } from "../types";
import { sendRejected } from "../errors";
import { graphCall } from "../meta";
import { actionBody, messageBody, messagesPath } from "./api";
import type { InstagramCredentials } from "./credentials";

type Ctx = ChannelContext<InstagramCredentials>;

const sendResponseSchema = z.object({ recipient_id: z.string().optional(), message_id: z.string().min(1) });

export const sendInstagram = async (message: OutboundMessage, ctx: Ctx): Promise<SendResult> => {
  const json = await graphCall(ctx, "POST", messagesPath(ctx.credentials.ig_user_id), { json: messageBody(message) });
  const parsed = sendResponseSchema.safeParse(json);
  // A 2xx we cannot read may still have been delivered: final, so a retry cannot duplicate it.
  if (!parsed.success) throw sendRejected("unexpected send answer from the Instagram API", { reason: "unknown" });
  return { providerMessageId: parsed.data.message_id };
};

/** Sender actions; their answer is undocumented, so any 2xx counts as done. */
export const actInstagram = async (action: ChannelAction, ctx: Ctx): Promise<void> => {
  const body = actionBody(action);
  if (body) await graphCall(ctx, "POST", messagesPath(ctx.credentials.ig_user_id), { json: body });
};
