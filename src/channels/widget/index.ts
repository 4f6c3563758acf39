/**
 * xin's own web chat widget as a channel. Browsers connect to gateway/widget (WebSocket, HTTP
 * fallback) with a visitor token; the gateway turns their messages into this adapter's ingest body
 * and `parse`s it like any webhook. Replies go out through `send`, which returns a Postgres NOTIFY for
 * the delivery worker to publish when it marks the message sent (see send.ts).
 * The provider key is `web`, as in `xin channel add web`.
 */
import { sendRejected } from "../errors";
import type { Channel } from "../types";
import { widgetCapabilities } from "./capabilities";
import { widgetCredentials, type WidgetCredentials } from "./credentials";
import { parseWidget } from "./parse";
import { actWidget, sendWidget } from "./send";
import { verifyWidget } from "./verify";

export const widget = {
  id: "web",
  displayName: "Web chat",
  capabilities: widgetCapabilities,
  credentials: widgetCredentials,
  /** No provider API: nothing is ever fetched from here. */
  defaultBaseUrl: "",
  accountIdOf: (c: WidgetCredentials) => c.widget_id,
  verify: verifyWidget,
  parse: parseWidget,
  send: sendWidget,
  act: actWidget,
  // Visitors' files are stored by the gateway at upload and their messages name the blob, so the
  // media-fetch job never asks for them; a server-to-server body naming a file it did not upload has none.
  fetchMedia: async () => {
    throw sendRejected("the web widget's files are stored when uploaded; there is nothing to fetch", {
      reason: "unsupported",
    });
  },
} satisfies Channel<typeof widgetCredentials>;

export { VISITOR_TEXT_LIMIT, WIDGET_UPLOADS } from "./capabilities";
export { widgetCredentials, type WidgetCredentials } from "./credentials";
export { widgetIngestSchema, widgetMessageKey, type WidgetIngest } from "./parse";
export {
  WIDGET_NOTIFY_CHANNEL,
  widgetDeltaNotices,
  widgetPresenceNotice,
  widgetRetractNotice,
  widgetTypingNotice,
  type WidgetNotice,
} from "./send";
export { newVisitorId, visitorOfToken, visitorToken, widgetBodySignature } from "./token";
export { WIDGET_SIGNATURE_HEADER } from "./verify";
