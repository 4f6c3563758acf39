/**
 * The channel adapter contract (STYLE.md §3). An adapter is a plain object written
 * `export const telegram = { … } satisfies Channel<typeof telegramCredentials>`: it holds no state between
 * calls and never touches the database. The gateway does verify(raw) → parse → one transaction; the
 * delivery worker does send() and classifies a thrown `ChannelError` (retryable or not).
 */
import type { z } from "zod";
import type { InboundMedia, ParseResult } from "./inbound";
import type { ChannelAction, OutboundMessage, SendResult } from "./outbound";

export type * from "./inbound";
export type * from "./outbound";

/** How the channel renders markup: WhatsApp's own (*bold* _italic_), Telegram MarkdownV2, or none. */
export type FormattingFlavour = "whatsapp" | "telegram_markdown_v2" | "plain";

/** Static facts callers branch on instead of on the provider id. */
export type ChannelCapabilities = {
  /** `limit` in `unit`s: Telegram counts UTF-16 code units, Instagram UTF-8 bytes, WhatsApp characters. */
  text: { limit: number; unit: "utf16" | "utf8_bytes" | "code_points"; captionLimit: number };
  buttons: { maxCount: number; maxLabelLength: number; hasLists: boolean };
  media: { inbound: boolean; outboundUrl: boolean; outboundUpload: boolean };
  /**
   * Free-form replies are allowed for `hours` after the customer's last message (null: no window).
   * `humanAgentHours`: a reply written by a human may still go out this long (Instagram HUMAN_AGENT tag).
   * `hasTemplates`: outside the window an approved template may be sent (WhatsApp).
   */
  window: { hours: number | null; humanAgentHours: number | null; hasTemplates: boolean };
  formatting: FormattingFlavour;
  hasTyping: boolean;
  hasReadReceipts: boolean;
  /** The typing indicator's call also marks the message read (WhatsApp): no separate receipt is sent with it. */
  typingMarksRead?: boolean;
  hasReactions: boolean;
  /** What the delivery worker does with a send whose outcome was lost (see `InDoubtPolicy`). */
  inDoubt: InDoubtPolicy;
};

/**
 * A send is in doubt when its attempt was recorded but neither the sent mark nor a provider error
 * followed: xin died (or the call timed out) after the request left. Each channel says how such an
 * attempt is settled, because only some providers let xin find out what happened:
 * - `no_doubt`: `send` has no effect outside the transaction that marks the message sent (the web
 *   widget's NOTIFY); no attempt is recorded and a rerun sends normally.
 * - `await_status`: the send carries the attempt id, which the provider echoes in its status webhooks
 *   (WhatsApp `biz_opaque_callback_data`); a status that carries it marks the message sent. The worker
 *   waits `waitMs` for one, then applies `otherwise`.
 * - `resend`: the provider offers no correlation; the message is sent again and the duplicate it may
 *   cause is counted.
 * - `hold`: the message is not sent again; it is marked failed (`delivery_in_doubt`) and raised to the
 *   agents, who see the draft and can send it.
 */
export type InDoubtPolicy =
  | { kind: "no_doubt" }
  | { kind: "await_status"; waitMs: number; otherwise: "resend" | "hold" }
  | { kind: "resend" }
  | { kind: "hold" };

/** The raw webhook request, exactly as received: the body bytes are never re-serialized. */
export type WebhookRequest = {
  method: string;
  headers: Headers;
  query: URLSearchParams;
  body: Uint8Array;
};

/**
 * `challenge`: answer 200 with `body` as text/plain (Meta's GET handshake).
 * `verified`: the POST is authentic; go on to `parse`.
 */
export type VerifyResult = { kind: "challenge"; body: string } | { kind: "verified" };

/** The channel row as adapters see it: its id (for logs) and its decrypted, schema-parsed credentials. */
export type ChannelBinding<C> = { channelId: string; credentials: C };

/** Everything an outbound call needs; adapters read nothing else (no env, no config, no globals). */
export type ChannelContext<C> = ChannelBinding<C> & {
  /** API root including the version for Meta (`https://graph.facebook.com/v25.0`); tests pass a fake. */
  baseUrl: string;
  fetch: typeof fetch;
  /** Aborted when the worker shuts down; the request is abandoned and reported as retryable. */
  signal: AbortSignal;
  /** Epoch milliseconds after which the call is abandoned (retryable `timeout`). */
  deadline: number;
};

/** One item from `poll`: the provider's raw update and the cursor to persist once it is stored. */
export type PolledUpdate = { updateId: number; nextOffset: number; body: Uint8Array };

/**
 * The contract. Every method is safe to call concurrently; none keeps state.
 * Errors are `ChannelError`s (errors.ts) with stable codes; nothing else is thrown on purpose.
 * Methods are declared in method syntax on purpose: it lets the registry hold adapters with different
 * credential types as `Channel[]`, while each adapter's `satisfies Channel<typeof schema>` stays exact.
 */
/**
 * What the provider says about delivering to xin (`xin doctor`), as facts; the app judges them. A field
 * is left out when this provider's API does not tell it.
 */
export type WebhookRegistration = {
  /** The URL the provider delivers to ("" when none is set): Telegram. */
  url?: string;
  /** Updates waiting for delivery: Telegram. */
  pending?: number;
  /** The provider's last failed delivery, when it reports one. */
  lastError?: { message: string; at: string | null } | null;
  /** The apps subscribed to the account's webhooks and the fields each receives: Meta. */
  subscriptions?: { app: string | null; fields: string[] | null }[];
  /** Why the registration cannot be read with these credentials (a WhatsApp channel without waba_id). */
  unreadable?: string;
  /** How to subscribe the account when it is not (the dashboard path or the API call). */
  howToSubscribe?: string;
};

export interface Channel<S extends z.ZodType = z.ZodType> {
  /** Provider key in URLs (`/webhooks/<id>/<channel_id>`) and rows. */
  readonly id: string;
  readonly displayName: string;
  readonly capabilities: ChannelCapabilities;
  /** What `xin channel add` must collect; a missing or malformed key is named by the zod issue path. */
  readonly credentials: S;
  /** The real API root used when config names none. */
  readonly defaultBaseUrl: string;

  /**
   * The provider's id for the business account these credentials belong to (WhatsApp phone_number_id,
   * Instagram account id, Telegram bot id): `channels.external_id`, and `accountId` on parsed events.
   */
  accountIdOf(credentials: z.output<S>): string;

  /**
   * Authenticates a webhook request before anything parses it: constant-time, over the raw bytes.
   * Throws `webhook.signature_invalid` (401), `webhook.verify_token_invalid` (403) or
   * `webhook.payload_invalid` (400, a handshake without a challenge).
   */
  verify(request: WebhookRequest, channel: ChannelBinding<z.output<S>>): VerifyResult;

  /**
   * Pure: verified body bytes → normalized events. Malformed JSON or a wrong envelope throws
   * `webhook.payload_invalid` (400) and nothing must be written. Events for another account than the
   * channel's are returned in `skipped` as `foreign_account`.
   */
  parse(body: Uint8Array, channel: ChannelBinding<z.output<S>>): ParseResult;

  /**
   * Sends one message. Resolves with the provider message id to store, or throws a `ChannelError` that
   * says whether a retry can help (`retryable`, `retryAfterMs`). Not idempotent on the provider side: a
   * timeout after the provider accepted the message can lead to a duplicate on retry.
   */
  send(message: OutboundMessage, ctx: ChannelContext<z.output<S>>): Promise<SendResult>;

  /** Read receipts, typing, reactions, callback answers. Same error contract as `send`. */
  act(action: ChannelAction, ctx: ChannelContext<z.output<S>>): Promise<void>;

  /**
   * Downloads an inbound file (for the durable media-fetch job): by media id with the bearer token
   * (WhatsApp), by CDN URL (Instagram) or via getFile (Telegram). Refuses files over `maxBytes`.
   * Retryable errors for expired short-lived links and provider hiccups; final ones for expired media.
   */
  fetchMedia(
    media: InboundMedia,
    ctx: ChannelContext<z.output<S>>,
    options?: { maxBytes?: number },
  ): Promise<{ data: Uint8Array; mimeType?: string }>;

  /**
   * Checks the credentials against the provider (`xin channel test`): resolves with what the provider
   * said (the bot's name, the account id) or throws the classified `ChannelError` (401 token rejected).
   */
  check?(ctx: ChannelContext<z.output<S>>): Promise<string>;

  /**
   * Tells the provider where to deliver updates, where its API allows that (Telegram `setWebhook`, or
   * removing the webhook in polling mode). Meta's webhooks are configured in the app dashboard, so
   * their adapters have no `connect`. Resolves with what was done.
   */
  connect?(ctx: ChannelContext<z.output<S>>, webhookUrl: string | null): Promise<string>;

  /**
   * Reads where and whether the provider delivers webhooks (Telegram getWebhookInfo, Meta's
   * subscribed_apps), for `xin doctor`. Throws the classified `ChannelError` like `check`.
   */
  webhookRegistration?(ctx: ChannelContext<z.output<S>>): Promise<WebhookRegistration>;

  /**
   * Long polling (Telegram without public HTTPS). Yields raw updates in order from `offset`; the caller
   * persists `nextOffset` after storing each update, so a restart neither repeats nor skips one.
   * Ends when `ctx.signal` aborts; throws `ChannelError` on conflicts (another poller, webhook active).
   */
  poll?(
    ctx: ChannelContext<z.output<S>>,
    options: { offset: number; timeoutSeconds?: number },
  ): AsyncIterable<PolledUpdate>;
}
