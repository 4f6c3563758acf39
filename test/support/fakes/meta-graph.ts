/**
 * Fake Meta Graph API (WhatsApp Cloud API and Instagram Messaging) on loopback.
 *
 * Paths, as on graph.facebook.com / graph.instagram.com (any `/vNN.N` version prefix):
 * - `POST /{v}/{phone-number-id}/messages`  WhatsApp send, mark-as-read, typing → documented answers
 * - `POST /{v}/{phone-number-id}/media`     multipart upload (`file`, `type`, `messaging_product`) → `{id}`
 * - `GET  /{v}/{media-id}`                  media info with a download `url` on this fake
 * - `POST /{v}/{ig-id or me}/messages`      Instagram send and sender actions
 * - `GET  /download/{media-id}`             the media bytes (`fake-media:<id>`); needs the bearer token
 * - `GET  /cdn/{name}`                      an Instagram-style CDN file (`fake-cdn:<name>`), no token
 * - `GET|POST /{v}/{waba-id or me}/subscribed_apps`  the apps subscribed to the account's webhooks:
 *   WhatsApp entries as `{whatsapp_business_api_data: {id, name}}`, Instagram (`me`) ones with
 *   `subscribed_fields`; POST subscribes the fake's app (`subscribed_fields` from the query, Instagram)
 * Checks like the real API: bearer token (else 401 + code 190), required fields and text limits
 * (else code 100). Script errors with `script({ status, body, headers })` — e.g. an `errors/` fixture,
 * 429 + `Retry-After`, a bare 5xx — or `{ hang: true }`.
 */
import { json, startFakeServer, type FakeServer } from "./fake-server";

export type MetaGraphFake = FakeServer & {
  /** Base URL including a version, as adapters take it: `${url}/v25.0`. */
  baseUrl: string;
  /** Subscribes the fake's app to an account's webhooks (`fields` for Instagram), or unsubscribes it (null). */
  setSubscription(account: string, fields: string[] | null): void;
};

const graphError = (status: number, code: number, message: string, type = "OAuthException") =>
  json(status, { error: { message, type, code, fbtrace_id: "AFakeGraphTrace" } });

const PATH = /^\/v\d+\.\d+\/([^/]+)(?:\/(messages|media|subscribed_apps))?$/;
const APP = { id: "1234567890", name: "xin fake app" };

/**
 * `onWhatsappSend` sees every accepted WhatsApp message send with the wamid it is answered with, before
 * the answer leaves: a test can deliver the status webhooks Meta would send, or kill the sender there.
 * `onInstagramSend` does the same for every accepted Instagram message send (not sender actions).
 */
export const startMetaGraphFake = (options: {
  accessToken: string;
  onWhatsappSend?: (body: Record<string, unknown>, wamid: string) => void;
  onInstagramSend?: (body: Record<string, unknown>, mid: string) => void;
}): MetaGraphFake => {
  let counter = 0;
  const subscriptions = new Map<string, string[]>();
  const subscribedApps = (account: string) => {
    const fields = subscriptions.get(account);
    if (!fields) return json(200, { data: [] });
    return json(200, {
      data: [account === "me" ? { ...APP, subscribed_fields: fields } : { whatsapp_business_api_data: APP }],
    });
  };
  const nextId = (prefix: string) => `${prefix}${String(++counter).padStart(6, "0")}`;

  const whatsappMessages = (body: Record<string, unknown>) => {
    if (body.messaging_product !== "whatsapp")
      return graphError(400, 100, "(#100) The parameter messaging_product is required.");
    if (body.status === "read") {
      return typeof body.message_id === "string"
        ? json(200, { success: true })
        : graphError(400, 100, "(#100) Invalid parameter");
    }
    const to = typeof body.to === "string" ? body.to : undefined;
    const recipient = typeof body.recipient === "string" ? body.recipient : undefined;
    if (!to && !recipient) return graphError(400, 100, "(#100) The parameter to is required.");
    const type = body.type;
    const text = (body.text as { body?: unknown } | undefined)?.body;
    if (type === "text" && (typeof text !== "string" || [...text].length > 4096)) {
      return graphError(400, 100, "(#100) Invalid parameter");
    }
    const contact = to ? { input: to, wa_id: to.replace(/^\+/, "") } : { input: recipient, user_id: recipient };
    const message: Record<string, string> = { id: nextId("wamid.FAKE") };
    if (type === "template") message.message_status = "accepted";
    options.onWhatsappSend?.(body, message.id);
    return json(200, { messaging_product: "whatsapp", contacts: [contact], messages: [message] });
  };

  const instagramMessages = (body: Record<string, unknown>) => {
    const recipient = (body.recipient as { id?: unknown } | undefined)?.id;
    if (typeof recipient !== "string") return graphError(400, 100, "(#100) Invalid parameter", "IGApiException");
    if (body.sender_action !== undefined) {
      const allowed = new Set(["recipient", "sender_action", "payload"]);
      if (Object.keys(body).some((k) => !allowed.has(k)))
        return graphError(400, 100, "(#100) Invalid parameter", "IGApiException");
      return json(200, { recipient_id: recipient });
    }
    const message = body.message as { text?: unknown } | undefined;
    if (!message) return graphError(400, 100, "(#100) Invalid parameter", "IGApiException");
    if (typeof message.text === "string" && new TextEncoder().encode(message.text).length > 1000) {
      return graphError(
        400,
        100,
        "(#100) Length of param message[text] must be less than or equal to 1000",
        "IGApiException",
      );
    }
    const mid = nextId("aWdfFAKEmid");
    options.onInstagramSend?.(body, mid);
    return json(200, { recipient_id: recipient, message_id: mid });
  };

  const server = startFakeServer((r) => {
    const cdn = /^\/cdn\/(.+)$/.exec(r.path);
    if (cdn && r.method === "GET")
      return new Response(`fake-cdn:${cdn[1]}`, { headers: { "content-type": "image/jpeg" } });
    if (r.headers.get("authorization") !== `Bearer ${options.accessToken}`) {
      return graphError(401, 190, "Invalid OAuth access token - Cannot parse access token");
    }
    const download = /^\/download\/(\d+)$/.exec(r.path);
    if (download && r.method === "GET")
      return new Response(`fake-media:${download[1]}`, { headers: { "content-type": "audio/ogg" } });
    const match = PATH.exec(r.path);
    if (!match) return graphError(400, 100, "Unsupported request - method type or path not supported");
    const [, id, edge] = match;
    if (edge === "subscribed_apps") {
      if (r.method === "POST") subscriptions.set(id, (r.query.get("subscribed_fields") ?? "messages").split(","));
      return r.method === "POST" ? json(200, { success: true }) : subscribedApps(id);
    }
    if (r.method === "GET" && !edge) {
      return json(200, {
        messaging_product: "whatsapp",
        url: `${server.url}/download/${id}`,
        mime_type: "audio/ogg; codecs=opus",
        sha256: "fake",
        file_size: "4",
        id,
      });
    }
    if (r.method !== "POST") return graphError(400, 100, "Unsupported request - method type or path not supported");
    if (edge === "media") {
      const file = r.body?.file as { size?: number } | undefined;
      if (r.body?.messaging_product !== "whatsapp" || !file || typeof r.body?.type !== "string") {
        return graphError(400, 100, "(#100) Invalid parameter");
      }
      return json(200, { id: nextId("17000000009") });
    }
    if (edge === "messages" && r.body) {
      // Instagram addresses `recipient: {id}`; WhatsApp uses `to` or a string `recipient` (BSUID).
      return typeof r.body.recipient === "object" ? instagramMessages(r.body) : whatsappMessages(r.body);
    }
    return graphError(400, 100, "(#100) Invalid parameter");
  });

  return Object.assign(server, {
    baseUrl: `${server.url}/v25.0`,
    setSubscription(account: string, fields: string[] | null) {
      if (fields) subscriptions.set(account, fields);
      else subscriptions.delete(account);
    },
  });
};
