/**
 * Meta webhook authentication, shared by WhatsApp and Instagram.
 *
 * - GET: the subscription handshake. `hub.mode=subscribe` and a `hub.verify_token` equal (constant time)
 *   to the channel's verify token → answer `hub.challenge` verbatim; anything else → 403.
 * - POST: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. The HMAC is computed over
 *   the bytes exactly as received (Meta signs the `\uXXXX`-escaped form), compared in constant time, and
 *   checked before any JSON parsing. Missing, malformed or wrong → 401.
 */
import { constantTimeEqual, hmacSha256Hex } from "../../runtime";
import { methodNotAllowed, payloadInvalid, signatureInvalid, verifyTokenInvalid } from "../errors";
import type { VerifyResult, WebhookRequest } from "../types";

export type MetaWebhookSecrets = { app_secret: string; verify_token: string };

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export const verifyMetaSignature = (body: Uint8Array, header: string | null, appSecret: string): void => {
  // Fail closed: a channel without an app secret must never accept a POST (schema requires it too).
  if (appSecret.length === 0) throw signatureInvalid("channel has no app secret");
  if (!header) throw signatureInvalid("X-Hub-Signature-256 header missing");
  const match = SIGNATURE.exec(header.trim());
  if (!match) throw signatureInvalid("X-Hub-Signature-256 header malformed");
  const expected = hmacSha256Hex(appSecret, body);
  if (!constantTimeEqual(expected, match[1].toLowerCase())) throw signatureInvalid("signature mismatch");
};

export const answerMetaHandshake = (query: URLSearchParams, verifyToken: string): VerifyResult => {
  const mode = query.get("hub.mode");
  const token = query.get("hub.verify_token") ?? "";
  const challenge = query.get("hub.challenge");
  if (verifyToken.length === 0 || mode !== "subscribe" || !constantTimeEqual(token, verifyToken)) {
    throw verifyTokenInvalid();
  }
  if (challenge === null || challenge.length === 0) throw payloadInvalid("hub.challenge missing");
  return { kind: "challenge", body: challenge };
};

export const verifyMetaWebhook = (request: WebhookRequest, secrets: MetaWebhookSecrets): VerifyResult => {
  const method = request.method.toUpperCase();
  if (method === "GET") return answerMetaHandshake(request.query, secrets.verify_token);
  if (method !== "POST") throw methodNotAllowed(method);
  verifyMetaSignature(request.body, request.headers.get("x-hub-signature-256"), secrets.app_secret);
  return { kind: "verified" };
};

/** Header value Meta would send for `body`: for tests and the fake servers. */
export const metaSignatureHeader = (appSecret: string, body: Uint8Array | string): string =>
  `sha256=${hmacSha256Hex(appSecret, body)}`;
