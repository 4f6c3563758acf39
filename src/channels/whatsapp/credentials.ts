import { z } from "zod";

/**
 * What a WhatsApp channel needs. Fail closed: the app secret is required, because a channel without it
 * could not check `X-Hub-Signature-256` and would accept forged messages.
 */
export const whatsappCredentials = z.object({
  phone_number_id: z
    .string()
    .regex(/^\d+$/, "digits only, as shown in WhatsApp Manager")
    .describe("Phone number id (not the phone number)"),
  access_token: z.string().min(1).describe("System-user or business access token"),
  app_secret: z.string().min(1).describe("Meta app secret: signs every webhook POST"),
  verify_token: z.string().min(1).describe("Token you typed into the webhook settings: checked on the GET handshake"),
  waba_id: z.string().regex(/^\d+$/).optional().describe("WhatsApp Business Account id (optional)"),
});

export type WhatsappCredentials = z.output<typeof whatsappCredentials>;
