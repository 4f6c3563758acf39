import { z } from "zod";

/**
 * What an Instagram channel needs (Instagram API with Instagram Login, or Messenger Platform with the
 * host in the API base). Fail closed: without the app secret no webhook POST is accepted.
 */
export const instagramCredentials = z.object({
  ig_user_id: z
    .string()
    .regex(/^\d+$/, "digits only")
    .describe("Instagram professional account id (entry.id in webhooks)"),
  access_token: z.string().min(1).describe("Instagram User (or Page) access token with messaging permission"),
  app_secret: z.string().min(1).describe("App secret that signs webhook POSTs (X-Hub-Signature-256)"),
  verify_token: z.string().min(1).describe("Token typed into the webhook settings: checked on the GET handshake"),
});

export type InstagramCredentials = z.output<typeof instagramCredentials>;
