/**
 * What the delivery worker hands to `Channel.send` and `Channel.act`.
 *
 * `send` never splits text: callers split long replies first with `splitText` (text.ts) at
 * `capabilities.text.limit`, storing one outbound row per part, so a retry after a partial failure never
 * repeats a part that already went out. A text longer than the limit is rejected as a payload bug.
 */

export type QuickReply = { id: string; title: string };

/** Where a file comes from: a public URL, a provider media id from an earlier upload, or bytes to upload. */
export type MediaSource =
  { url: string } | { providerMediaId: string } | { upload: { data: Uint8Array; filename: string; mimeType: string } };

export type OutboundContent =
  /** `format: "markdown"` is converted to the channel's flavour (see text.ts); "plain" is sent verbatim. */
  | { kind: "text"; text: string; format?: "plain" | "markdown"; previewUrl?: boolean }
  /** Reply buttons (WhatsApp), quick replies (Instagram), inline keyboard (Telegram, `columns` per row). */
  | { kind: "buttons"; text: string; buttons: QuickReply[]; header?: string; footer?: string; columns?: number }
  /** WhatsApp list message; channels without lists get the rows as buttons. */
  | {
      kind: "list";
      text: string;
      buttonLabel: string;
      sections: { title?: string; rows: (QuickReply & { description?: string })[] }[];
      header?: string;
      footer?: string;
    }
  | {
      kind: "media";
      mediaType: "image" | "video" | "audio" | "document";
      source: MediaSource;
      caption?: string;
      filename?: string;
    }
  /** An approved WhatsApp template: the only message allowed outside the 24 h window. */
  | { kind: "template"; name: string; language: string; bodyParams: string[]; quickReplyPayloads?: string[] };

export type OutboundMessage = {
  /** `InboundMessage.conversationId` of the conversation to answer. */
  conversationId: string;
  content: OutboundContent;
  /** Quote this provider message id (a group reply on Telegram, a contextual reply on WhatsApp). */
  replyTo?: string;
  /**
   * The id of this send attempt, recorded before the call. A channel whose provider echoes a tag in its
   * status webhooks (capabilities `inDoubt.kind = "await_status"`) sends it, so a status can settle an
   * attempt whose answer was lost; other channels ignore it.
   */
  attemptId?: string;
  /**
   * Written by a human agent. Instagram then sends with the HUMAN_AGENT tag, which is allowed up to 7 days
   * after the customer's last message; it must never be set for AI-written text.
   */
  isHumanAgent?: boolean;
};

/** Side actions that produce no stored message. Unsupported ones (see capabilities) resolve without a call. */
export type ChannelAction =
  | { kind: "mark_read"; conversationId: string; providerMessageId: string }
  /** Typing indicator while a reply is produced; WhatsApp ties it to the inbound message it answers. */
  | { kind: "typing"; conversationId: string; providerMessageId?: string }
  | { kind: "react"; conversationId: string; providerMessageId: string; emoji: string }
  /** Telegram: stop the spinner on a pressed inline button. */
  | { kind: "answer_callback"; conversationId: string; queryId: string; text?: string };

export type SendResult = {
  providerMessageId: string;
  /**
   * A Postgres NOTIFY the delivery worker must publish in the same transaction that marks the message
   * sent (`select pg_notify(channel, payload)`), so listeners see it only once `sent` is durable. Only
   * channels without a provider API set it (the web widget's hub pushes the row to browsers).
   */
  notify?: { channel: string; payload: string };
};
