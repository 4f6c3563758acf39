/**
 * What `Channel.parse` produces: provider payloads normalized into one shape per kind of event.
 *
 * Guarantees every adapter keeps:
 * - `providerMessageId` is the idempotency key, unique within one channel (one bot, one phone number, one
 *   Instagram account). A provider's retry of the same event yields the same key, so the gateway inserts
 *   with ON CONFLICT DO NOTHING and answers 200 either way.
 * - Text is byte-exact: what the customer typed, with no trimming or normalization of any script.
 * - Nothing is dropped silently: an event xin does not understand becomes an `unsupported` message with its
 *   raw payload, or a `SkippedEvent` that the gateway counts and logs.
 * - Times are milliseconds since the epoch, whatever unit the provider used.
 */

/** The person on the other side, as far as this event tells. Fields absent from the payload stay absent. */
export type InboundContact = {
  /** Stable provider id of the person: WhatsApp wa_id or BSUID, Instagram IGSID, Telegram user id. */
  id: string;
  name?: string;
  username?: string;
  phone?: string;
  /** WhatsApp business-scoped user id (2026), when the payload carries one. */
  bsuid?: string;
  languageCode?: string;
};

/** A file the customer sent. Bytes are fetched later by a job: by `id` (WhatsApp, Telegram) or `url`. */
export type InboundMedia = {
  mediaType: "image" | "video" | "audio" | "voice" | "document" | "sticker" | "animation" | "share" | "story_mention";
  /** Provider media id (WhatsApp media id, Telegram file_id); absent when only a URL exists (Instagram). */
  id?: string;
  url?: string;
  mimeType?: string;
  filename?: string;
  sizeBytes?: number;
  sha256?: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  /** Already in xin's store when the message arrives (a widget upload): the media-fetch job skips it. */
  blob?: { sha256: string; size: number; mime_type?: string };
};

export type SharedContact = {
  name?: string;
  phones: { phone: string; waId?: string; type?: string }[];
  emails: string[];
  /** Telegram user id when the shared card belongs to a Telegram user. */
  userId?: string;
};

export type Referral = {
  source: string;
  sourceId?: string;
  sourceUrl?: string;
  headline?: string;
  body?: string;
  ref?: string;
  adId?: string;
  clickId?: string;
  mediaType?: string;
  mediaUrl?: string;
};

/** The message content; `kind` says how the orchestrator should treat it. */
export type InboundContent =
  | { kind: "text"; text: string; command?: { name: string; args: string }; mentions?: string[]; payload?: string }
  | { kind: "media"; media: InboundMedia; caption?: string }
  | { kind: "location"; latitude: number; longitude: number; name?: string; address?: string; url?: string }
  | { kind: "contacts"; contacts: SharedContact[] }
  /** A tap on a reply button, list row, template quick reply or Instagram postback/icebreaker. */
  | {
      kind: "button_reply";
      source: "button" | "list" | "template_button" | "postback";
      id: string;
      title: string;
      description?: string;
    }
  /** Telegram inline-keyboard press; the adapter's `answer_callback` action must acknowledge `queryId`. */
  | { kind: "callback_query"; queryId: string; data: string; title?: string; hostMessageId?: string }
  /** `emoji` absent means the reaction was removed. Never answered by the AI. */
  | { kind: "reaction"; targetMessageId: string; emoji?: string; action: "react" | "unreact" }
  /** A new version of an earlier message: record it against `originalMessageId`, do not answer it anew. */
  | { kind: "edit"; originalMessageId: string; content: InboundContent }
  | { kind: "story_reply"; story: { id?: string; url?: string }; text?: string }
  /** Ad or link entry without a message (Instagram `messaging_referral`). */
  | { kind: "referral"; referral: Referral }
  /** Kept with `raw` and flagged so an agent can look; never answered automatically. */
  | { kind: "unsupported"; providerType: string; reason: string };

export type InboundMessage = {
  channel: string;
  /** The business side the event was addressed to: phone_number_id, Instagram account id, bot id. */
  accountId: string;
  providerMessageId: string;
  /** Provider conversation key: WhatsApp wa_id/BSUID, Instagram IGSID, Telegram chat id. */
  conversationId: string;
  isGroup: boolean;
  /** False only for group messages that are not for the bot (no mention, command or reply to it). */
  isAddressedToUs: boolean;
  contact: InboundContact;
  timestamp: number;
  content: InboundContent;
  /** The message this one answers: a quote, or the business message that hosted a tapped button. */
  replyTo?: { providerMessageId: string; isButtonHost: boolean };
  referral?: Referral;
  /** True for copies of messages the business account itself sent (Instagram `is_echo`): never answer. */
  isEcho: boolean;
  /** The provider's own object for this event, for storage and for `unsupported` review. */
  raw: unknown;
};

/** Delivery receipts for outbound messages. Apply them monotonically: see `statusRank`. */
export type DeliveryStatus = "sent" | "delivered" | "read" | "played" | "failed";

export type StatusUpdate = {
  channel: string;
  accountId: string;
  /** The id `send` returned for the outbound message. */
  providerMessageId: string;
  status: DeliveryStatus;
  timestamp: number;
  recipientId?: string;
  /** Instagram `read` covers this message and every earlier one in the thread. */
  coversEarlier: boolean;
  /** The send attempt id the provider echoed (WhatsApp `biz_opaque_callback_data`): settles an attempt in doubt. */
  attemptId?: string;
  error?: { code: string; title: string; details?: string };
  raw: unknown;
};

/** Order in which statuses may advance; `failed` wins over everything, and `read` never goes back. */
export const statusRank = (status: DeliveryStatus): number =>
  ({ sent: 1, delivered: 2, read: 3, played: 4, failed: 5 })[status];

/** Whether `next` may replace `current` on a stored outbound message (late `delivered` after `read`: no). */
export const isStatusAdvance = (current: DeliveryStatus | undefined, next: DeliveryStatus): boolean =>
  current === undefined || statusRank(next) > statusRank(current);

/** Facts that are neither a customer message nor a receipt but change what xin may do. */
export type ChannelEvent =
  | { kind: "contact_blocked" | "contact_unblocked"; accountId: string; conversationId: string; timestamp: number }
  | { kind: "message_deleted"; accountId: string; conversationId: string; providerMessageId: string; timestamp: number }
  | { kind: "account_error"; accountId: string; code: string; title: string; details?: string };

/**
 * Something the adapter recognised as outside this channel's scope; the gateway counts and logs these.
 * `not_customer`: a known event that is no customer writing (a channel's own post, a service notice such
 * as a pinned message, a WhatsApp system notice): nothing is stored and nothing answered.
 * `foreign_account` carries the `accountId` so a gateway that receives batches for several accounts
 * (one Meta app, several numbers) can find the owning channel (`channels.external_id`) and parse again.
 */
export type SkippedEvent = {
  reason: "unknown_event" | "foreign_account" | "not_customer";
  detail: string;
  accountId?: string;
};

export type ParseResult = {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  events: ChannelEvent[];
  skipped: SkippedEvent[];
};

export const emptyParseResult = (): ParseResult => ({ messages: [], statuses: [], events: [], skipped: [] });

// Content that awaits a turn (a reply or an escalation). Reactions, edits and referrals are recorded only
// (they ask nothing); content without words — a bare photo, a voice note, a pin, a contact card, content
// the provider could not render (`unsupported`) — awaits a turn too: the brand's `non_text` policy
// acknowledges and/or escalates it, never silence. `/start` and other commands are answerable text.
const ANSWERABLE = new Set<InboundContent["kind"]>([
  "text",
  "media",
  "location",
  "contacts",
  "button_reply",
  "callback_query",
  "story_reply",
  "unsupported",
]);

/**
 * THE rule for "answerable", applied once at ingest (stored as `messages.awaits_turn`): whether the
 * message awaits a turn — never for echoes of our own messages, group chatter not addressed to us,
 * reactions, edits or referrals.
 */
export const shouldRespond = (message: InboundMessage): boolean =>
  !message.isEcho && message.isAddressedToUs && ANSWERABLE.has(message.content.kind);

/** Whether a message opens or extends the provider's messaging window (a customer action, not an echo). */
export const opensWindow = (message: InboundMessage): boolean =>
  !message.isEcho && message.content.kind !== "unsupported";

/**
 * The text to store as the message body and show the model: what the customer typed, a caption, the
 * tapped button's title, a place's name. Undefined when the content has no words (a bare photo, a
 * reaction). Never invents text, so the stored body stays byte-exact.
 */
export const bodyOf = (content: InboundContent): string | undefined => {
  switch (content.kind) {
    case "text":
      return content.text;
    case "media":
      return content.caption;
    case "button_reply":
      return content.title;
    case "callback_query":
      // The label the customer tapped reads as what they said; the data is an id meant for the bot.
      return content.title ?? content.data;
    case "location":
      return [content.name, content.address].filter(Boolean).join(", ") || undefined;
    case "story_reply":
      return content.text;
    case "edit":
      return bodyOf(content.content);
    case "contacts":
    case "reaction":
    case "referral":
    case "unsupported":
      return undefined;
  }
};
