import { signatureInvalid } from "../errors";
import type { ChannelBinding, VerifyResult, WebhookRequest } from "../types";
import { constantTimeEqual } from "../../runtime";
import type { WidgetCredentials } from "./credentials";
import { widgetBodySignature } from "./token";

export const WIDGET_SIGNATURE_HEADER = "x-xin-signature";

/**
 * `/webhooks/web/<channel_id>` is a server-to-server ingest path (a custom front end posting visitor
 * messages): the body must carry `x-xin-signature: sha256=<HMAC of the raw bytes with session_secret>`.
 * Browsers never use it; they authenticate with visitor tokens and an allowed Origin in
 * gateway/widget, which builds the same body and parses it with this adapter.
 */
export const verifyWidget = (request: WebhookRequest, channel: ChannelBinding<WidgetCredentials>): VerifyResult => {
  const given = request.headers.get(WIDGET_SIGNATURE_HEADER);
  if (!given) throw signatureInvalid(`missing ${WIDGET_SIGNATURE_HEADER} header`);
  if (!constantTimeEqual(given, widgetBodySignature(channel.credentials, request.body)))
    throw signatureInvalid("signature does not match");
  return { kind: "verified" };
};
