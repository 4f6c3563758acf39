/** WhatsApp webhooks use Meta's handshake and `X-Hub-Signature-256` (meta/signature.ts). */
import type { ChannelBinding, VerifyResult, WebhookRequest } from "../types";
import { verifyMetaWebhook } from "../meta";
import type { WhatsappCredentials } from "./credentials";

export const verifyWhatsapp = (request: WebhookRequest, channel: ChannelBinding<WhatsappCredentials>): VerifyResult =>
  verifyMetaWebhook(request, channel.credentials);
