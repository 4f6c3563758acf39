/**
 * WhatsApp Cloud API adapter. Webhooks: Meta handshake + `X-Hub-Signature-256`; conversations keyed by
 * wa_id, or by BSUID for users whose number Meta withholds; replies within 24 h, templates outside.
 */
import type { Channel } from "../types";
import { fetchWhatsappMedia } from "./media";
import { whatsappCapabilities } from "./capabilities";
import { whatsappCredentials, type WhatsappCredentials } from "./credentials";
import { parseWhatsapp } from "./parse";
import { actWhatsapp, sendWhatsapp } from "./send";
import { verifyWhatsapp } from "./verify";

export const whatsapp = {
  id: "whatsapp",
  displayName: "WhatsApp",
  capabilities: whatsappCapabilities,
  credentials: whatsappCredentials,
  defaultBaseUrl: "https://graph.facebook.com/v25.0",
  accountIdOf: (c: WhatsappCredentials) => c.phone_number_id,
  verify: verifyWhatsapp,
  parse: parseWhatsapp,
  send: sendWhatsapp,
  act: actWhatsapp,
  fetchMedia: fetchWhatsappMedia,
} satisfies Channel<typeof whatsappCredentials>;

export { whatsappCredentials, type WhatsappCredentials } from "./credentials";
export { whatsappMediaUrl, uploadWhatsappMedia } from "./send";
