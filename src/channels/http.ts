/**
 * The one place adapters make HTTP calls. It applies the context's deadline and abort signal, and turns
 * transport failures into retryable `ChannelError`s, so adapters only classify provider answers.
 */
import type { ChannelContext } from "./types";
import { isEgressBlocked } from "../runtime/net";
import { traceHeaders, tracingEnabled, withSpan } from "../runtime";
import { ChannelError, sendRejected, sendRetryable, type ChannelErrorReason } from "./errors";

export type ProviderResponse = {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when the body was empty or not JSON (e.g. an HTML 502 page). */
  json: unknown;
};

export type RequestBody = { json: unknown } | { form: FormData } | { none: true };

/** Delay hinted by a `Retry-After` header (seconds or HTTP date), in milliseconds. */
export const retryAfterHeaderMs = (headers: Headers, now = Date.now()): number | undefined => {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

const readJson = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Performs one request. Resolves with whatever the provider answered (any status); rejects only with a
 * retryable `ChannelError` for timeouts, aborts and network failures.
 */
export const providerRequest = async <C>(
  ctx: Pick<ChannelContext<C>, "fetch" | "signal" | "deadline">,
  method: "GET" | "POST",
  url: string,
  body: RequestBody,
  headers: Record<string, string> = {},
): Promise<ProviderResponse> => {
  const remaining = ctx.deadline - Date.now();
  if (remaining <= 0) throw sendRetryable("deadline passed before the request was sent", { reason: "timeout" });
  if (!tracingEnabled()) return send(ctx, method, url, body, headers, remaining);
  // The host only: paths and queries may carry secrets (Telegram's bot token is in the path).
  const host = URL.canParse(url) ? new URL(url).host : "provider";
  return withSpan(
    `${method} ${host}`,
    { kind: "client", attributes: { "http.request.method": method, "server.address": host } },
    async (span) => {
      const answer = await send(ctx, method, url, body, { ...headers, ...traceHeaders() }, remaining);
      span.setAttributes({ "http.response.status_code": answer.status });
      if (answer.status >= 400) span.fail(`status ${answer.status}`);
      return answer;
    },
  );
};

const send = async <C>(
  ctx: Pick<ChannelContext<C>, "fetch" | "signal" | "deadline">,
  method: "GET" | "POST",
  url: string,
  body: RequestBody,
  headers: Record<string, string>,
  remaining: number,
): Promise<ProviderResponse> => {
  const timeout = AbortSignal.timeout(remaining);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  // FormData bodies get their multipart boundary header from fetch itself.
  const init: RequestInit =
    "json" in body
      ? { method, signal, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body.json) }
      : { method, signal, headers, body: "form" in body ? body.form : undefined };
  try {
    const response = await ctx.fetch(url, init);
    return { status: response.status, headers: response.headers, json: await readJson(response) };
  } catch (cause) {
    // Refused by the egress guard (when the caller's fetch is one): final, not a network hiccup.
    if (isEgressBlocked(cause)) throw cause;
    if (ctx.signal.aborted) throw sendRetryable("request aborted by shutdown", { reason: "aborted", cause });
    if (timeout.aborted)
      throw sendRetryable("provider did not answer before the deadline", { reason: "timeout", cause });
    throw sendRetryable("provider unreachable", { reason: "network", cause });
  }
};

export type DownloadedMedia = { data: Uint8Array; mimeType?: string };

/**
 * Downloads a file, refusing more than `maxBytes` (by Content-Length, then while streaming). Statuses
 * in `finalStatuses` are final (`reason` given); other 4xx are final `unknown`; 5xx/429 retryable.
 */
export const providerDownload = async <C>(
  ctx: Pick<ChannelContext<C>, "fetch" | "signal" | "deadline">,
  url: string,
  options: {
    headers?: Record<string, string>;
    maxBytes: number;
    finalStatuses?: Record<number, ChannelErrorReason>;
    retryStatuses?: number[];
  },
): Promise<DownloadedMedia> => {
  const remaining = ctx.deadline - Date.now();
  if (remaining <= 0) throw sendRetryable("deadline passed before the download started", { reason: "timeout" });
  const timeout = AbortSignal.timeout(remaining);
  let response: Response;
  try {
    response = await ctx.fetch(url, { headers: options.headers, signal: AbortSignal.any([ctx.signal, timeout]) });
  } catch (cause) {
    if (isEgressBlocked(cause)) throw cause;
    if (ctx.signal.aborted) throw sendRetryable("download aborted by shutdown", { reason: "aborted", cause });
    throw sendRetryable(timeout.aborted ? "download timed out" : "media host unreachable", {
      reason: timeout.aborted ? "timeout" : "network",
      cause,
    });
  }
  const status = response.status;
  if (status < 200 || status >= 300) {
    await response.body?.cancel();
    const final = options.finalStatuses?.[status];
    if (final)
      throw sendRejected(`media download answered HTTP ${status}`, { reason: final, providerCode: String(status) });
    if (status === 429 || status >= 500 || options.retryStatuses?.includes(status)) {
      throw sendRetryable(`media download answered HTTP ${status}`, {
        reason: status === 429 ? "rate_limited" : "unavailable",
        retryAfterMs: retryAfterHeaderMs(response.headers),
      });
    }
    throw sendRejected(`media download answered HTTP ${status}`, { reason: "unknown", providerCode: String(status) });
  }
  const tooLarge = () => sendRejected(`media larger than ${options.maxBytes} bytes`, { reason: "payload" });
  if (Number(response.headers.get("content-length") ?? 0) > options.maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > options.maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (cause) {
    if (cause instanceof ChannelError) throw cause;
    throw sendRetryable("media download interrupted", { reason: ctx.signal.aborted ? "aborted" : "network", cause });
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return { data, mimeType: response.headers.get("content-type") ?? undefined };
};
