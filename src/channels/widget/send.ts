/**
 * Delivery to browsers. The widget has no provider API: `send` checks the message, mints the provider
 * message id and returns a `notify` for the delivery worker to publish (Postgres NOTIFY) in the same
 * transaction that marks the message sent. Every `xin serve` instance's widget hub LISTENs on
 * `xin_widget`, loads the committed row by (channel, provider message id) and pushes it to that
 * visitor's sockets; a visitor who is offline sees it in the history on the next connection. So a
 * reply reaches the browser exactly when, and only if, its `sent` state is durable.
 */
import { randomUUID } from "node:crypto";
import { ChannelError, sendRejected } from "../errors";
import { measureText } from "../text";
import type { ChannelAction, ChannelContext, OutboundMessage, SendResult } from "../types";
import { widgetCapabilities } from "./capabilities";
import type { WidgetCredentials } from "./credentials";

export const WIDGET_NOTIFY_CHANNEL = "xin_widget";

/**
 * What the hub receives on `xin_widget` (JSON, under Postgres' 8000-byte payload limit):
 * - `sent`: a reply was marked sent; the hub loads the row by (channel, provider message id);
 * - `delta`: a piece of a reply being streamed (issued by the answering code, outside any transaction);
 * - `typing`: a reply is being prepared, or not any more;
 * - `retract`: the pieces streamed under `message_id` are taken back (that draft will not be sent);
 * - `presence`: who holds the conversation may have changed (an agent took it over, handed it back):
 *   the hub reads it again and tells the visitor's widget.
 */
export type WidgetNotice =
  | { kind: "sent"; channel_id: string; visitor_id: string; provider_message_id: string }
  | { kind: "delta"; channel_id: string; visitor_id: string; message_id: string; text: string }
  | { kind: "typing"; channel_id: string; visitor_id: string; on: boolean }
  | { kind: "retract"; channel_id: string; visitor_id: string; message_id: string }
  | { kind: "presence"; channel_id: string; visitor_id: string };

type Notify = { channel: string; payload: string };

const notify = (notice: WidgetNotice): Notify => ({ channel: WIDGET_NOTIFY_CHANNEL, payload: JSON.stringify(notice) });

/** Streaming text must stay under the NOTIFY payload limit: pieces are cut at 1,500 code points. */
const DELTA_PIECE = 1500;

/**
 * NOTIFYs that stream a reply's text to the visitor's sockets on every instance: publish each with
 * `select pg_notify(channel, payload)`. `messageId` is the id the final `message` frame will carry
 * (the stored row's id), so the browser swaps the streamed bubble for the stored one.
 */
export const widgetDeltaNotices = (channelId: string, visitorId: string, messageId: string, text: string): Notify[] => {
  const points = [...text];
  const out: Notify[] = [];
  for (let i = 0; i < points.length; i += DELTA_PIECE) {
    out.push(
      notify({
        kind: "delta",
        channel_id: channelId,
        visitor_id: visitorId,
        message_id: messageId,
        text: points.slice(i, i + DELTA_PIECE).join(""),
      }),
    );
  }
  return out;
};

export const widgetTypingNotice = (channelId: string, visitorId: string, on: boolean): Notify =>
  notify({ kind: "typing", channel_id: channelId, visitor_id: visitorId, on });

/** Who answers may have changed: the widget re-reads it (see gateway/widget presenceOf). */
export const widgetPresenceNotice = (channelId: string, visitorId: string): Notify =>
  notify({ kind: "presence", channel_id: channelId, visitor_id: visitorId });

/** Takes back every piece streamed under `messageId`: the browser removes that bubble. */
export const widgetRetractNotice = (channelId: string, visitorId: string, messageId: string): Notify =>
  notify({ kind: "retract", channel_id: channelId, visitor_id: visitorId, message_id: messageId });

const textOf = (message: OutboundMessage): string | null => {
  const c = message.content;
  switch (c.kind) {
    case "text":
    case "buttons":
    case "list":
      return c.text;
    case "media":
      if (!("url" in c.source))
        throw sendRejected("the web widget sends files as links only", { reason: "unsupported" });
      return c.caption ?? "";
    case "template":
      throw sendRejected("the web widget has no message templates", { reason: "unsupported" });
  }
};

export const sendWidget = async (
  message: OutboundMessage,
  ctx: ChannelContext<WidgetCredentials>,
): Promise<SendResult> => {
  if (ctx.signal.aborted)
    throw new ChannelError("channel.send_retryable", "delivery was aborted", { retryable: true, reason: "aborted" });
  const text = textOf(message) ?? "";
  if (measureText(text, widgetCapabilities.text.unit) > widgetCapabilities.text.limit) {
    throw sendRejected(`text is longer than ${widgetCapabilities.text.limit} characters`, { reason: "too_long" });
  }
  const providerMessageId = `wgt_${randomUUID()}`;
  return {
    providerMessageId,
    notify: notify({
      kind: "sent",
      channel_id: ctx.channelId,
      visitor_id: message.conversationId,
      provider_message_id: providerMessageId,
    }),
  };
};

/** Typing and read state are the gateway's own business (it shows typing while a reply is pending). */
export const actWidget = async (_action: ChannelAction, _ctx: ChannelContext<WidgetCredentials>): Promise<void> => {};
