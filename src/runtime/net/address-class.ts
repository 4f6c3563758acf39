/**
 * Which IP addresses an outbound fetch steered by a tenant or a provider payload must never reach:
 * the host itself, private networks, link-local (cloud metadata at 169.254.169.254), and every range
 * that is not a public unicast destination. Addresses are the 16-byte form of `runtime/ip.ts`, where
 * IPv4 is held IPv4-mapped, so `::ffff:127.0.0.1` and `127.0.0.1` are one address and one check.
 * Forms that carry an IPv4 address inside IPv6 (NAT64, 6to4, IPv4-translated) are judged by the
 * IPv4 address they lead to; IPv4-compatible and Teredo addresses are refused whole (deprecated or
 * tunnels, no legitimate fetch target).
 */
import { cidrContains, formatIp, parseCidr, type Cidr, type Ip } from "../ip";

type Range = { cidr: Cidr; text: string; name: string; embedsIpv4At?: number };

const range = (text: string, name: string, embedsIpv4At?: number): Range => {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`bad built-in range ${text}`);
  return { cidr, text, name, embedsIpv4At };
};

/** Ranges carrying an IPv4 address: byte offset of the embedded address. Judged by that address. */
const EMBEDDING: Range[] = [
  range("64:ff9b::/96", "NAT64", 12),
  range("::ffff:0:0:0/96", "IPv4-translated", 12),
  range("2002::/16", "6to4", 2),
];

const BLOCKED: Range[] = [
  range("0.0.0.0/8", "unspecified (this network)"),
  range("10.0.0.0/8", "private (RFC 1918)"),
  range("100.64.0.0/10", "carrier-grade NAT (RFC 6598)"),
  range("127.0.0.0/8", "loopback"),
  range("169.254.0.0/16", "link-local (cloud metadata)"),
  range("172.16.0.0/12", "private (RFC 1918)"),
  range("192.0.0.0/24", "IETF protocol assignments"),
  range("192.0.2.0/24", "documentation"),
  range("192.88.99.0/24", "6to4 relay"),
  range("192.168.0.0/16", "private (RFC 1918)"),
  range("198.18.0.0/15", "benchmarking"),
  range("198.51.100.0/24", "documentation"),
  range("203.0.113.0/24", "documentation"),
  range("224.0.0.0/4", "multicast"),
  range("240.0.0.0/4", "reserved (incl. broadcast)"),
  range("::/128", "unspecified"),
  range("::1/128", "loopback"),
  range("::/96", "IPv4-compatible (deprecated)"),
  range("64:ff9b:1::/48", "NAT64 local use"),
  range("100::/64", "discard-only"),
  range("2001::/32", "Teredo"),
  range("2001:db8::/32", "documentation"),
  range("fc00::/7", "unique local (ULA)"),
  range("fe80::/10", "link-local"),
  range("fec0::/10", "site-local (deprecated)"),
  range("ff00::/8", "multicast"),
];

export type AddressVerdict = { blocked: false } | { blocked: true; range: string; name: string; via?: string };

const embeddedIpv4 = (ip: Ip, at: number): Ip =>
  Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ip.subarray(at, at + 4)]);

/** The IPv4 address an embedding form leads to, or null for every other address. */
export const ipv4Inside = (ip: Ip): Ip | null => {
  const form = EMBEDDING.find((r) => cidrContains(r.cidr, ip));
  return form?.embedsIpv4At === undefined ? null : embeddedIpv4(ip, form.embedsIpv4At);
};

/** Whether `ip` is a public unicast destination; when not, the range that refuses it. */
export const classifyAddress = (ip: Ip): AddressVerdict => {
  const inner = ipv4Inside(ip);
  if (inner) {
    const verdict = classifyAddress(inner);
    return verdict.blocked ? { ...verdict, via: formatIp(ip) } : verdict;
  }
  const hit = BLOCKED.find((r) => cidrContains(r.cidr, ip));
  return hit ? { blocked: true, range: hit.text, name: hit.name } : { blocked: false };
};
