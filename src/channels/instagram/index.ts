/**
 * Instagram Messaging adapter (Instagram Login on graph.instagram.com by default; the Messenger
 * Platform variant works with a graph.facebook.com API base). Conversations are keyed by the customer's
 * IGSID; human agents may answer up to 7 days with the HUMAN_AGENT tag.
 */
import type { Channel } from "../types";
import { graphCall } from "../meta/client";
import { subscribedApps } from "../meta/subscriptions";
import { fetchInstagramMedia } from "./media";
import { instagramCapabilities } from "./capabilities";
import { instagramCredentials, type InstagramCredentials } from "./credentials";
import { parseInstagram } from "./parse";
import { actInstagram, sendInstagram } from "./send";
import { verifyInstagram } from "./verify";

export const instagram = {
  id: "instagram",
  displayName: "Instagram",
  capabilities: instagramCapabilities,
  credentials: instagramCredentials,
  defaultBaseUrl: "https://graph.instagram.com/v25.0",
  accountIdOf: (c: InstagramCredentials) => c.ig_user_id,
  verify: verifyInstagram,
  parse: parseInstagram,
  send: sendInstagram,
  act: actInstagram,
  fetchMedia: fetchInstagramMedia,
  check: async (ctx) => {
    await graphCall(ctx, "GET", `/${ctx.credentials.ig_user_id}?fields=id`, { none: true });
    return `the access token works for account ${ctx.credentials.ig_user_id}`;
  },
  // Instagram Login: the token's own account (`me`) lists the app and the fields it receives.
  webhookRegistration: async (ctx) => ({
    subscriptions: await subscribedApps(ctx, "me"),
    howToSubscribe: `POST ${ctx.baseUrl}/me/subscribed_apps?subscribed_fields=messages,messaging_postbacks,messaging_seen,message_reactions with the channel's access token (or the app dashboard: Instagram → Webhooks)`,
  }),
} satisfies Channel<typeof instagramCredentials>;

export { instagramCredentials, type InstagramCredentials } from "./credentials";
