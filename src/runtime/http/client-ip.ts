/**
 * The client's IP address behind reverse proxies (`server.trusted_proxies`).
 *
 * A forwarding header is only as trustworthy as whoever wrote it. The TCP peer is the one fact we
 * know, so headers are read only when the peer is a proxy we were told to trust, and then walked from
 * the right: each trusted proxy appends the address it received the request from, so the right-most
 * entry that is not a trusted proxy is the first hop no trusted party can vouch beyond — the client.
 * Everything left of it was written by the client and is never believed (a visitor who sends
 * `X-Forwarded-For: 1.2.3.4` only adds an entry we never reach).
 *
 * `X-Forwarded-For` is read when present, otherwise RFC 7239 `Forwarded: for=`. Caddy, nginx,
 * Cloudflare, HAProxy and Traefik all write `X-Forwarded-For`, and most pass a client's own `Forwarded`
 * header through untouched, so preferring `Forwarded` would let a client name its own address. A proxy
 * that writes only `Forwarded` should drop incoming `X-Forwarded-For` (documented with the key).
 */
import { formatIp, IpRanges, parseIp, type Ip } from "../ip";

/** Peer address as the listener reports it, plus the request's headers → the client's canonical address. */
export type ClientIp = (peer: string | null, headers: Headers) => string | null;

/**
 * One forwarded hop as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`,
 * `[2001:db8::1]` or `[2001:db8::1]:443`. Null for anything else (`unknown`, `_hidden`, junk).
 */
export const parseHop = (raw: string): Ip | null => {
  let text = raw.trim();
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0 || !/^(:\d{1,5})?$/.test(text.slice(end + 1))) return null;
    text = text.slice(1, end);
  } else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  if (text.includes("%")) return null; // a zone id only means something on the proxy's own host
  return parseIp(text);
};

/** Splits on `separator` outside double-quoted strings (RFC 7230 quoted-string, with `\` escapes). */
const splitOutsideQuotes = (text: string, separator: string): string[] => {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === "\\" && i + 1 < text.length) current += c + text[++i];
    else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === separator && !quoted) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
};

const unquote = (value: string): string =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1).replace(/\\(.)/g, "$1")
    : value;

/**
 * The `for=` value of each RFC 7239 element, left to right; "" for an element without one (a hop we
 * cannot read, treated like junk by the walk).
 */
export const forwardedFor = (header: string): string[] =>
  splitOutsideQuotes(header, ",").map((element) => {
    for (const pair of splitOutsideQuotes(element, ";")) {
      const eq = pair.indexOf("=");
      if (eq > 0 && pair.slice(0, eq).trim().toLowerCase() === "for") return unquote(pair.slice(eq + 1).trim());
    }
    return "";
  });

const hopsOf = (headers: Headers): string[] | null => {
  // Several header lines arrive joined with ", ", which is also the list separator, so order holds.
  const xff = headers.get("x-forwarded-for");
  if (xff !== null && xff.trim() !== "") return xff.split(",");
  const forwarded = headers.get("forwarded");
  if (forwarded !== null && forwarded.trim() !== "") return forwardedFor(forwarded);
  return null;
};

/**
 * Builds the resolver for a list of trusted proxies (addresses or CIDR ranges, already validated by
 * the config schema). With an empty list every request's client is its TCP peer, whatever it sends.
 * The result is always canonical (`::ffff:1.2.3.4` → `1.2.3.4`). When a hop that a trusted proxy must
 * have written is not an address, the chain cannot be followed, and the peer is the answer: junk never
 * becomes a rate-limit key.
 */
export const clientIpResolver = (trustedProxies: readonly string[]): ClientIp => {
  const trusted = new IpRanges(trustedProxies);
  return (peer, headers) => {
    if (peer === null) return null;
    const peerIp = parseIp(peer);
    if (!peerIp) return peer;
    const peerText = formatIp(peerIp);
    if (trusted.size === 0 || !trusted.has(peerIp)) return peerText;
    const hops = hopsOf(headers);
    if (!hops) return peerText;
    let client = peerText;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = parseHop(hops[i]);
      if (!hop) return peerText;
      client = formatIp(hop);
      if (!trusted.has(hop)) return client;
    }
    // Every hop is a trusted proxy (an internal health check, say): the left-most is nearest the source.
    return client;
  };
};

/** The resolver without proxies: the peer, canonical. */
export const peerClientIp: ClientIp = clientIpResolver([]);
