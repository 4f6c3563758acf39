/**
 * Visitor tokens: how a browser proves which visitor it is without a login. A token is
 * `<visitor id>.<HMAC-SHA256(session_secret, "xin.widget.visitor:" + visitor id)>` (base64url). The
 * server issues it on the first connection; the browser keeps it in localStorage, so history survives
 * reloads. Guessing another visitor's token means forging the HMAC; ids are random (128 bits) and
 * never shown to other visitors. Verification is constant-time and needs no database.
 */
import { createHmac, randomBytes } from "node:crypto";
import { constantTimeEqual } from "../../runtime";
import type { WidgetCredentials } from "./credentials";

const VISITOR_ID = /^v_[A-Za-z0-9_-]{22}$/;

const mac = (secret: string, purpose: string, data: string | Uint8Array): string =>
  createHmac("sha256", secret).update(`xin.widget.${purpose}:`).update(data).digest("base64url");

export const newVisitorId = (): string => `v_${randomBytes(16).toString("base64url")}`;

export const visitorToken = (credentials: Pick<WidgetCredentials, "session_secret">, visitorId: string): string =>
  `${visitorId}.${mac(credentials.session_secret, "visitor", visitorId)}`;

/** The visitor id a token names, or null when it is malformed or signed with another secret. */
export const visitorOfToken = (
  credentials: Pick<WidgetCredentials, "session_secret">,
  token: string | null | undefined,
): string | null => {
  if (!token) return null;
  const dot = token.indexOf(".");
  const id = token.slice(0, dot);
  if (dot < 0 || !VISITOR_ID.test(id)) return null;
  return constantTimeEqual(token, visitorToken(credentials, id)) ? id : null;
};

/** `x-xin-signature` for a server-to-server ingest body (see verify.ts). */
export const widgetBodySignature = (credentials: Pick<WidgetCredentials, "session_secret">, body: Uint8Array): string =>
  `sha256=${mac(credentials.session_secret, "ingest", body)}`;
