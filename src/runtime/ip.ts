/**
 * IP addresses and CIDR ranges, IPv4 and IPv6 alike. Every address is held as 16 bytes, IPv4 as the
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d), so one comparison covers both families and a dual-stack
 * listener's `::ffff:1.2.3.4` is the same client as `1.2.3.4`. Addresses are written back in one
 * canonical form (dotted IPv4, RFC 5952 IPv6), which is what rate limits key on: two spellings of one
 * address must never get two budgets.
 */

export type Ip = Uint8Array;
export type Cidr = { base: Ip; prefix: number };

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** Strict dotted quad: four decimal parts 0..255, no leading zeros (inet_aton would read "010" as octal). */
const parseIpv4 = (text: string): number[] | null => {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    bytes.push(Number(part));
  }
  return bytes;
};

/** Colon-separated hex groups; `lastMayBeIpv4` only for the part that ends the address. */
const parseGroups = (text: string, lastMayBeIpv4: boolean): number[] | null => {
  if (text === "") return [];
  const groups: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (lastMayBeIpv4 && i === parts.length - 1 && part.includes(".")) {
      // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
      const v4 = parseIpv4(part);
      if (!v4) return null;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) groups.push(parseInt(part, 16));
    else return null;
  }
  return groups;
};

const parseIpv6 = (text: string): number[] | null => {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1], true) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  // Without "::" all eight groups are written; with it, it stands for at least one zero group.
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
};

/** Parses an IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is dropped); null when it is not one. */
export const parseIp = (text: string): Ip | null => {
  if (text.length === 0 || text.length > 64) return null;
  if (!text.includes(":")) {
    const v4 = parseIpv4(text);
    return v4 ? Uint8Array.from([...MAPPED_PREFIX, ...v4]) : null;
  }
  const v6 = parseIpv6(text.replace(/%[\w.-]+$/, ""));
  return v6 ? Uint8Array.from(v6) : null;
};

const isMappedIpv4 = (ip: Ip): boolean => MAPPED_PREFIX.every((b, i) => ip[i] === b);

/** The canonical text: dotted quad for IPv4 (mapped or not), RFC 5952 (lower case, longest zero run as ::) for IPv6. */
export const formatIp = (ip: Ip): string => {
  if (isMappedIpv4(ip)) return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const groups = Array.from({ length: 8 }, (_, i) => (ip[2 * i] << 8) | ip[2 * i + 1]);
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  // RFC 5952 §4.2.2: a single zero group is not shortened.
  if (best.len < 2) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
};

/** The canonical form of an address, or null when `text` is not one. */
export const normalizeIp = (text: string): string | null => {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : null;
};

/**
 * `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). Host bits below the prefix are
 * ignored, as most servers do: `10.1.2.3/8` is `10.0.0.0/8`. Null when it is not a range.
 */
export const parseCidr = (text: string): Cidr | null => {
  const [addr, bits, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const base = parseIp(addr);
  if (!base) return null;
  const isV4 = !addr.includes(":");
  const width = isV4 ? 32 : 128;
  if (bits !== undefined && !/^(0|[1-9]\d{0,2})$/.test(bits)) return null;
  const prefix = bits === undefined ? width : Number(bits);
  if (prefix > width) return null;
  // An IPv4 range lives inside ::ffff:0:0/96, so its prefix counts the 96 bits before it.
  return { base, prefix: isV4 ? prefix + 96 : prefix };
};

export const cidrContains = ({ base, prefix }: Cidr, ip: Ip): boolean => {
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) if (base[i] !== ip[i]) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (base[whole] & mask) === (ip[whole] & mask);
};

/** A fixed set of ranges; `has` is a linear scan, fine for the handful of proxies a deployment lists. */
export class IpRanges {
  private readonly ranges: Cidr[];

  /** Throws on an entry that is not an address or range; config validation has already named it by then. */
  constructor(entries: readonly string[]) {
    this.ranges = entries.map((entry) => {
      const cidr = parseCidr(entry);
      if (!cidr) throw new Error(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
      return cidr;
    });
  }

  has(ip: Ip): boolean {
    return this.ranges.some((r) => cidrContains(r, ip));
  }

  get size(): number {
    return this.ranges.length;
  }
}
