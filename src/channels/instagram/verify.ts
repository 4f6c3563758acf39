/** Instagram webhooks use Meta's handshake and `X-Hub-Signature-256` (meta/signature.ts). */
import type { ChannelBinding, VerifyResult, WebhookRequest } from "../types";
import { verifyMetaWebhook } from "../meta";
import type { InstagramCredentials } from "./credentials";

export const verifyInstagram = (request: WebhookRequest, channel: ChannelBinding<InstagramCredentials>): VerifyResult =>
  verifyMetaWebhook(request, channel.credentials);
