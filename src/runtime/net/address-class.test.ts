import { describe, expect, test } from "bun:test";
import { parseIp } from "../ip";
import { classifyAddress } from "./address-class";

const verdict = (text: string) => {
  const ip = parseIp(text);
  if (!ip) throw new Error(`not an address: ${text}`);
  return classifyAddress(ip);
};

describe("address classification", () => {
  // [address, blocked range name or null for a public destination]
  const table: [string, string | null][] = [
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["0.0.0.0", "unspecified (this network)"],
    ["::", "unspecified"],
    ["10.1.2.3", "private (RFC 1918)"],
    ["172.16.0.1", "private (RFC 1918)"],
    ["172.31.255.255", "private (RFC 1918)"],
    ["192.168.1.1", "private (RFC 1918)"],
    ["100.64.0.1", "carrier-grade NAT (RFC 6598)"],
    ["100.127.255.255", "carrier-grade NAT (RFC 6598)"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["::ffff:169.254.169.254", "link-local (cloud metadata)"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "reserved (incl. broadcast)"],
    ["192.0.0.170", "IETF protocol assignments"],
    ["198.18.0.1", "benchmarking"],
    ["fc00::1", "unique local (ULA)"],
    ["fd12:3456::1", "unique local (ULA)"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["ff02::1", "multicast"],
    ["::127.0.0.1", "IPv4-compatible (deprecated)"],
    ["64:ff9b::7f00:1", "loopback"], // NAT64 of 127.0.0.1
    ["64:ff9b::a9fe:a9fe", "link-local (cloud metadata)"], // NAT64 of 169.254.169.254
    ["64:ff9b:1::1", "NAT64 local use"],
    ["2002:7f00:1::", "loopback"], // 6to4 of 127.0.0.1
    ["2002:c0a8:101::1", "private (RFC 1918)"], // 6to4 of 192.168.1.1
    ["::ffff:0:a00:1", "private (RFC 1918)"], // IPv4-translated 10.0.0.1
    ["2001:0:4136:e378::1", "Teredo"],
    ["2001:db8::1", "documentation"],
    ["8.8.8.8", null],
    ["1.1.1.1", null],
    ["100.63.255.255", null], // just below CGNAT
    ["100.128.0.0", null], // just above CGNAT
    ["172.15.255.255", null],
    ["172.32.0.0", null],
    ["157.240.1.1", null], // a Meta CDN address
    ["::ffff:8.8.8.8", null],
    ["64:ff9b::808:808", null], // NAT64 of a public address
    ["2a03:2880:f003:c07:face:b00c::2", null],
    ["2606:4700::1111", null],
  ];
  for (const [address, name] of table) {
    test(`${address} → ${name ?? "public"}`, () => {
      const v = verdict(address);
      if (name === null) expect(v).toEqual({ blocked: false });
      else expect(v).toMatchObject({ blocked: true, name });
    });
  }
});
