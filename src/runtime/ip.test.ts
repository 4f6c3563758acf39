import { expect, test } from "bun:test";
import { cidrContains, IpRanges, normalizeIp, parseCidr, parseIp } from "./ip";

test("addresses come back in one canonical form, IPv4-mapped IPv6 as plain IPv4", () => {
  const cases: [string, string][] = [
    ["1.2.3.4", "1.2.3.4"],
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["::FFFF:0102:0304", "1.2.3.4"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first of two equal zero runs is shortened
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group stays
    ["::", "::"],
    ["::1", "::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["1::", "1::"],
  ];
  for (const [input, canonical] of cases) expect([input, normalizeIp(input)]).toEqual([input, canonical]);
});

test("anything that is not an address is refused", () => {
  const bad = [
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.4 ",
    " 1.2.3.4",
    "1.2.3.-1",
    "a.b.c.d",
    "unknown",
    "_hidden",
    "1::2::3",
    ":::",
    ":1::",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::8",
    "12345::",
    "g::1",
    "1.2.3.4::",
    "::1.2.3",
    "x".repeat(100),
  ];
  for (const text of bad) expect([text, parseIp(text)]).toEqual([text, null]);
});

test("CIDR ranges of both families match what they cover and nothing else", () => {
  const v4 = parseCidr("10.0.0.0/8")!;
  expect(cidrContains(v4, parseIp("10.255.1.2")!)).toBe(true);
  expect(cidrContains(v4, parseIp("::ffff:10.1.1.1")!)).toBe(true);
  expect(cidrContains(v4, parseIp("11.0.0.1")!)).toBe(false);
  expect(cidrContains(v4, parseIp("a00::1")!)).toBe(false); // the same leading bits in IPv6 are another address
  const odd = parseCidr("172.16.0.0/12")!;
  expect(cidrContains(odd, parseIp("172.31.255.255")!)).toBe(true);
  expect(cidrContains(odd, parseIp("172.32.0.0")!)).toBe(false);
  const v6 = parseCidr("fd00::/8")!;
  expect(cidrContains(v6, parseIp("fd12:3456::1")!)).toBe(true);
  expect(cidrContains(v6, parseIp("fe80::1")!)).toBe(false);
  expect(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("8.8.8.8")!)).toBe(true);
  expect(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("2001:db8::1")!)).toBe(false);
  expect(cidrContains(parseCidr("::/0")!, parseIp("8.8.8.8")!)).toBe(true);
  // A bare address is a /32 or /128; host bits under the prefix are ignored.
  expect(cidrContains(parseCidr("192.0.2.7")!, parseIp("192.0.2.8")!)).toBe(false);
  expect(cidrContains(parseCidr("10.9.9.9/8")!, parseIp("10.0.0.1")!)).toBe(true);
});

test("malformed ranges are refused", () => {
  for (const text of [
    "10.0.0/8",
    "10.0.0.0/33",
    "::/129",
    "10.0.0.0/",
    "10.0.0.0/08",
    "10.0.0.0/8/8",
    "10.0.0.0/-1",
    "10.0.0.0/a",
    "/8",
    "localhost",
  ]) {
    expect([text, parseCidr(text)]).toEqual([text, null]);
  }
});

test("IpRanges answers membership and rejects a bad entry at construction", () => {
  const ranges = new IpRanges(["127.0.0.1", "10.0.0.0/8", "2001:db8::/32"]);
  expect(ranges.has(parseIp("127.0.0.1")!)).toBe(true);
  expect(ranges.has(parseIp("::ffff:127.0.0.1")!)).toBe(true);
  expect(ranges.has(parseIp("127.0.0.2")!)).toBe(false);
  expect(ranges.has(parseIp("2001:db8:ffff::9")!)).toBe(true);
  expect(new IpRanges([]).has(parseIp("127.0.0.1")!)).toBe(false);
  expect(() => new IpRanges(["10.0.0/8"])).toThrow('"10.0.0/8"');
});
