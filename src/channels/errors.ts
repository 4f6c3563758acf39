/**
 * Errors of the channels room. Webhook errors map straight to HTTP answers in the gateway; send errors
 * tell the delivery worker what to do next:
 * - `channel.send_retryable`: try again later, not before `retryAfterMs` when present (429, 5xx,
 *   timeouts, provider rate limits).
 * - `channel.send_rejected`: final for this payload; mark the message failed with `providerCode` and the
 *   safe `message`, and let `reason` drive follow-ups (offer a template, mark the chat blocked, flag the
 *   channel's credentials).
 * Messages never contain message text, tokens or phone numbers.
 */
import { XinError } from "../runtime";

/** Why a send failed, in terms the worker and the agents' queue act on. */
export type ChannelErrorReason =
  | "outside_window"
  | "blocked"
  | "undeliverable"
  | "auth"
  | "permission"
  | "policy"
  | "payload"
  | "too_long"
  | "chat_migrated"
  | "rate_limited"
  | "unavailable"
  | "timeout"
  | "network"
  | "aborted"
  | "unsupported"
  | "conflict"
  | "unknown";

export type ChannelErrorOptions = {
  retryable: boolean;
  reason: ChannelErrorReason;
  retryAfterMs?: number;
  providerCode?: string;
  /** `recipient`: the limit or failure concerns one recipient, not the provider as a whole (WhatsApp's pair rate limit). */
  scope?: "recipient";
  status?: number;
  data?: Record<string, unknown>;
  cause?: unknown;
};

export class ChannelError extends XinError {
  readonly retryable: boolean;
  readonly reason: ChannelErrorReason;
  readonly retryAfterMs?: number;
  readonly providerCode?: string;
  readonly scope?: "recipient";

  constructor(code: string, message: string, options: ChannelErrorOptions) {
    super(code, message, {
      status: options.status ?? (options.retryable ? 503 : 502),
      data: {
        reason: options.reason,
        provider_code: options.providerCode,
        retry_after_ms: options.retryAfterMs,
        ...options.data,
      },
      cause: options.cause,
    });
    this.name = "ChannelError";
    this.retryable = options.retryable;
    this.reason = options.reason;
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.providerCode;
    this.scope = options.scope;
  }
}

export const isChannelError = (e: unknown): e is ChannelError => e instanceof ChannelError;

export const signatureInvalid = (why: string): ChannelError =>
  new ChannelError("webhook.signature_invalid", `webhook signature invalid: ${why}`, {
    retryable: false,
    reason: "auth",
    status: 401,
  });

export const verifyTokenInvalid = (): ChannelError =>
  new ChannelError("webhook.verify_token_invalid", "webhook verify token does not match", {
    retryable: false,
    reason: "auth",
    status: 403,
  });

/** `why` is short and generic (a path and an expectation), never a copy of the payload. */
export const payloadInvalid = (why: string): ChannelError =>
  new ChannelError("webhook.payload_invalid", `webhook payload invalid: ${why}`, {
    retryable: false,
    reason: "payload",
    status: 400,
  });

export const methodNotAllowed = (method: string): ChannelError =>
  new ChannelError("webhook.method_not_allowed", `webhook does not accept ${method}`, {
    retryable: false,
    reason: "payload",
    status: 405,
  });

/** A final provider refusal. `safeText` is the provider's error title/description (no customer data). */
export const sendRejected = (
  safeText: string,
  options: { reason: ChannelErrorReason; providerCode?: string; data?: Record<string, unknown>; cause?: unknown },
): ChannelError => new ChannelError("channel.send_rejected", safeText, { retryable: false, ...options });

export const sendRetryable = (
  safeText: string,
  options: {
    reason: ChannelErrorReason;
    providerCode?: string;
    retryAfterMs?: number;
    scope?: "recipient";
    data?: Record<string, unknown>;
    cause?: unknown;
  },
): ChannelError => new ChannelError("channel.send_retryable", safeText, { retryable: true, ...options });
