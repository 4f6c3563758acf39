/**
 * WhatsApp Cloud API adapter. Webhooks: Meta handshake + `X-Hub-Signature-256`; conversations keyed by
 * wa_id, or by BSUID for users whose number Meta withholds; replies within 24 h, templates outside.
 */
import type { Channel } from "../types";
import { graphCall } from "../meta/client";
import { subscribedApps } from "../meta/subscriptions";
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
  check: async (ctx) => {
    await graphCall(ctx, "GET", `/${ctx.credentials.phone_number_id}?fields=id`, { none: true });
    return `the access token works for account ${ctx.credentials.phone_number_id}`;
  },
  // Webhooks are subscribed per WhatsApp Business Account: without its id there is nothing to ask.
  webhookRegistration: async (ctx) => {
    const howToSubscribe = `subscribe the app to the "messages" field: App Dashboard → WhatsApp → Configuration → Webhook fields, or POST ${ctx.baseUrl}/${ctx.credentials.waba_id ?? "<WABA_ID>"}/subscribed_apps with the access token`;
    return ctx.credentials.waba_id
      ? { subscriptions: await subscribedApps(ctx, ctx.credentials.waba_id), howToSubscribe }
      : {
          unreadable:
            "the channel has no waba_id, so xin cannot ask Meta which apps are subscribed to its WhatsApp Business Account",
          howToSubscribe,
        };
  },
} satisfies Channel<typeof whatsappCredentials>;

export { whatsappCredentials, type WhatsappCredentials } from "./credentials";
export { whatsappMediaUrl, uploadWhatsappMedia } from "./send";
