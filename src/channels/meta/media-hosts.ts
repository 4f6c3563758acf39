/**
 * Where a Meta media URL may point. Instagram webhooks carry the attachment's CDN URL in the payload,
 * and the Graph API answers a WhatsApp media id with a download URL: both are fetched only from
 * Meta's CDN hosts (https) or from the channel's configured API root (`api_base`, which tests point at
 * a loopback fake). Any other host in a payload is refused, never fetched: a forged or replayed
 * payload must not make xin request an address of the attacker's choosing.
 */
import { ChannelError } from "../errors";

// Meta's documented and observed media hosts (shared/reference/channels.md §1.7, §2.4).
const EXACT = new Set(["lookaside.fbsbx.com"]);
const SUFFIXES = [".fbcdn.net", ".cdninstagram.com", ".whatsapp.net"];

/** Null when `url` may be fetched as Meta media; else why not. */
export const metaMediaUrlIssue = (url: string, apiBase: string): string | null => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  const base = new URL(apiBase);
  if (parsed.origin === base.origin) return null;
  const host = parsed.hostname.toLowerCase();
  if (parsed.protocol !== "https:") return `${parsed.protocol} is not https`;
  if (EXACT.has(host) || SUFFIXES.some((s) => host.endsWith(s))) return null;
  return `${host} is not one of Meta's media hosts`;
};

/** Throws a final `channel.media_host_refused` when the URL is not on a Meta media host. */
export const assertMetaMediaUrl = (url: string, apiBase: string): void => {
  const issue = metaMediaUrlIssue(url, apiBase);
  if (issue === null) return;
  let host = "";
  try {
    host = new URL(url).hostname;
  } catch {}
  throw new ChannelError("channel.media_host_refused", `media URL refused: ${issue}`, {
    retryable: false,
    reason: "policy",
    data: { host },
  });
};
