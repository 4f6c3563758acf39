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

/** What the hub receives on `xin_widget` (JSON, well under Postgres' 8000-byte payload limit). */
export type WidgetNotice = { channel_id: string; visitor_id: string; provider_message_id: string };

const textOf = (message: OutboundMessage): string | null => {
  const c = message.content;
  switch (c.kind) {
    case "text":
    case "buttons":
    case "list":
      return c.text;
    case "media":
      if (!("url" in c.source)) throw sendRejected("the web widget sends files as links only", { reason: "unsupported" });
      return c.caption ?? "";
    case "template":
      throw sendRejected("the web widget has no message templates", { reason: "unsupported" });
  }
};

export const sendWidget = async (message: OutboundMessage, ctx: ChannelContext<WidgetCredentials>): Promise<SendResult> => {
  if (ctx.signal.aborted) throw new ChannelError("channel.send_retryable", "delivery was aborted", { retryable: true, reason: "aborted" });
  const text = textOf(message) ?? "";
  if (measureText(text, widgetCapabilities.text.unit) > widgetCapabilities.text.limit) {
    throw sendRejected(`text is longer than ${widgetCapabilities.text.limit} characters`, { reason: "too_long" });
  }
  const providerMessageId = `wgt_${randomUUID()}`;
  const notice: WidgetNotice = { channel_id: ctx.channelId, visitor_id: message.conversationId, provider_message_id: providerMessageId };
  return { providerMessageId, notify: { channel: WIDGET_NOTIFY_CHANNEL, payload: JSON.stringify(notice) } };
};

/** Typing and read state are the gateway's own business (it shows typing while a reply is pending). */
export const actWidget = async (_action: ChannelAction, _ctx: ChannelContext<WidgetCredentials>): Promise<void> => {};
