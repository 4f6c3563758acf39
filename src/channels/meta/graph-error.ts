/**
 * Graph API error bodies (`{"error": {message, type, code, error_subcode?, error_data?, is_transient?}}`)
 * classified by `error.code` — never by HTTP status, which Meta does not document per code any more.
 * The HTTP status only decides when the body carries no Graph error (a bare 5xx or 429 from a proxy).
 */
import { z } from "zod";
import { ChannelError, sendRejected, sendRetryable, type ChannelErrorReason } from "../errors";
import { retryAfterHeaderMs } from "../http";

const graphErrorSchema = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number(),
    error_subcode: z.number().optional(),
    error_user_title: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
    is_transient: z.boolean().optional(),
  }),
});

export type GraphError = z.infer<typeof graphErrorSchema>["error"];

export const parseGraphError = (body: unknown): GraphError | undefined => {
  const parsed = graphErrorSchema.safeParse(body);
  return parsed.success ? parsed.data.error : undefined;
};

type Rule = { retryable: boolean; reason: ChannelErrorReason; retryAfterMs?: number; scope?: "recipient" };

const retry = (reason: ChannelErrorReason, retryAfterMs?: number, scope?: "recipient"): Rule => ({
  retryable: true,
  reason,
  retryAfterMs,
  scope,
});
const final = (reason: ChannelErrorReason): Rule => ({ retryable: false, reason });

// channels.md §1.10 (WhatsApp) and §2.6 (Instagram). Delays are first-retry hints; the worker backs off.
const RULES: Record<number, Rule> = {
  1: retry("unavailable"),
  2: retry("unavailable"),
  4: retry("rate_limited", 60_000),
  17: retry("rate_limited", 60_000),
  32: retry("rate_limited", 60_000),
  613: retry("rate_limited", 60_000),
  80002: retry("rate_limited", 60_000),
  80007: retry("rate_limited", 60_000),
  80008: retry("rate_limited", 60_000),
  130429: retry("rate_limited", 1_000),
  131056: retry("rate_limited", 6_000, "recipient"), // pair limit: 1 message per 6 s to the same user
  131057: retry("unavailable", 60_000), // maintenance, e.g. a throughput upgrade
  131064: retry("rate_limited", 3_600_000),
  133016: retry("rate_limited", 60_000),
  131000: retry("unavailable"),
  131016: retry("unavailable"),
  133004: retry("unavailable"),
  131047: final("outside_window"),
  1545041: final("outside_window"),
  131026: final("undeliverable"),
  131049: final("undeliverable"),
  131050: final("undeliverable"),
  551: final("blocked"),
  131048: final("policy"), // spam limit: hammering makes it worse; alert instead
  368: final("policy"),
  131031: final("policy"),
  130497: final("policy"),
  131042: final("policy"),
  100: final("payload"),
  131008: final("payload"),
  131009: final("payload"),
  131021: final("payload"),
  131051: final("payload"),
  131052: final("payload"),
  131053: final("payload"),
  131062: final("payload"),
  132000: final("payload"),
  132001: final("payload"),
  132012: final("payload"),
  132015: final("policy"),
  132016: final("policy"),
  0: final("auth"),
  190: final("auth"),
  3: final("permission"),
  10: final("permission"),
  131005: final("permission"),
  131045: final("permission"),
  133010: final("permission"),
};

// Instagram reports its closed messaging window as a permission error with these subcodes.
const OUTSIDE_WINDOW_SUBCODES = new Set([2534022, 2018278, 1545041]);

const ruleFor = (error: GraphError, httpStatus: number): Rule => {
  if (error.code === 10 && error.error_subcode !== undefined && OUTSIDE_WINDOW_SUBCODES.has(error.error_subcode)) {
    return final("outside_window");
  }
  const known = RULES[error.code];
  if (known) return known;
  if (error.code >= 200 && error.code <= 299) return final("permission");
  if (error.is_transient === true || httpStatus >= 500) return retry("unavailable");
  return final("unknown");
};

/** Minutes Meta says until access returns (`X-Business-Use-Case-Usage`), in milliseconds. */
export const bucRetryAfterMs = (headers: Headers): number | undefined => {
  const raw = headers.get("x-business-use-case-usage");
  if (!raw) return undefined;
  try {
    const usage: unknown = JSON.parse(raw);
    const minutes = Object.values(usage as Record<string, unknown>)
      .flatMap((v) => (Array.isArray(v) ? v : []))
      .map((entry) => (entry as { estimated_time_to_regain_access?: unknown }).estimated_time_to_regain_access)
      .filter((m): m is number => typeof m === "number" && m > 0);
    return minutes.length > 0 ? Math.max(...minutes) * 60_000 : undefined;
  } catch {
    return undefined;
  }
};

/** Safe text for the agents' queue: the title Meta puts in `message` plus `error_data.details`. */
const safeText = (error: GraphError): string => {
  const details = error.error_data?.details;
  const head =
    error.code === 190 ? "access token invalid or expired" : (error.message ?? `Graph API error ${error.code}`);
  return details && !head.includes(details) ? `${head}: ${details}` : head;
};

/** Turns a non-2xx Graph answer into the `ChannelError` the worker acts on. */
export const classifyGraphFailure = (status: number, headers: Headers, body: unknown): ChannelError => {
  const error = parseGraphError(body);
  const hinted = retryAfterHeaderMs(headers) ?? bucRetryAfterMs(headers);
  if (!error) {
    if (status === 429 || status >= 500) {
      return sendRetryable(`provider answered HTTP ${status}`, {
        reason: status === 429 ? "rate_limited" : "unavailable",
        retryAfterMs: hinted,
      });
    }
    return sendRejected(`provider answered HTTP ${status} without an error body`, { reason: "unknown" });
  }
  const rule = ruleFor(error, status);
  const data = { http_status: status, error_subcode: error.error_subcode, error_type: error.type };
  const providerCode = String(error.code);
  return rule.retryable
    ? sendRetryable(safeText(error), {
        reason: rule.reason,
        providerCode,
        retryAfterMs: hinted ?? rule.retryAfterMs,
        scope: rule.scope,
        data,
      })
    : sendRejected(safeText(error), { reason: rule.reason, providerCode, data });
};
