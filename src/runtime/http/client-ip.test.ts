import { describe, expect, test } from "bun:test";
import { clientIpResolver, forwardedFor, parseHop, peerClientIp } from "./client-ip";

const PROXY = "10.0.0.5";
const resolve = clientIpResolver(["10.0.0.0/8", "fd00::/8", "127.0.0.1"]);
const h = (headers: Record<string, string>) => new Headers(headers);

describe("without trusted proxies", () => {
  test("the peer is the client, whatever the headers say", () => {
    expect(peerClientIp("203.0.113.9", h({ "x-forwarded-for": "1.1.1.1", forwarded: "for=2.2.2.2" }))).toBe(
      "203.0.113.9",
    );
    expect(peerClientIp("::ffff:203.0.113.9", h({}))).toBe("203.0.113.9");
    expect(peerClientIp(null, h({ "x-forwarded-for": "1.1.1.1" }))).toBeNull();
  });
});

describe("behind trusted proxies", () => {
  // [case, peer, headers, expected client]
  const cases: [string, string, Record<string, string>, string][] = [
    ["one proxy", PROXY, { "x-forwarded-for": "203.0.113.7" }, "203.0.113.7"],
    ["a mapped proxy peer is still trusted", `::ffff:${PROXY}`, { "x-forwarded-for": "203.0.113.7" }, "203.0.113.7"],
    ["no header: the proxy itself is the client", PROXY, {}, PROXY],
    ["empty header: the proxy itself", PROXY, { "x-forwarded-for": " " }, PROXY],
    [
      "a chain of trusted proxies is skipped",
      PROXY,
      { "x-forwarded-for": "203.0.113.7, 10.1.1.1, 10.2.2.2" },
      "203.0.113.7",
    ],
    ["client IPv6, written bare", PROXY, { "x-forwarded-for": "2001:DB8::0:7" }, "2001:db8::7"],
    ["client IPv4-mapped", PROXY, { "x-forwarded-for": "::ffff:203.0.113.7" }, "203.0.113.7"],
    ["ports are dropped", PROXY, { "x-forwarded-for": "203.0.113.7:51234" }, "203.0.113.7"],
    ["bracketed IPv6 with a port", PROXY, { "x-forwarded-for": "[2001:db8::7]:443" }, "2001:db8::7"],
    ["all hops trusted: the left-most", PROXY, { "x-forwarded-for": "10.3.3.3, 10.2.2.2" }, "10.3.3.3"],
    ["an IPv6 proxy peer", "fd00::1", { "x-forwarded-for": "203.0.113.7" }, "203.0.113.7"],
    // Spoofing: the client's own entries are left of the one its proxy appended, and never reached.
    ["a forged left-most entry is not believed", PROXY, { "x-forwarded-for": "1.1.1.1, 203.0.113.7" }, "203.0.113.7"],
    [
      "a forged trusted-looking entry is not believed",
      PROXY,
      { "x-forwarded-for": "10.9.9.9, 127.0.0.1, 203.0.113.7" },
      "203.0.113.7",
    ],
    [
      "forged junk left of the client is never parsed",
      PROXY,
      { "x-forwarded-for": "<script>, ;;, 203.0.113.7" },
      "203.0.113.7",
    ],
    // Junk where a trusted proxy should have written an address: the chain is broken, the peer answers.
    ["junk as the last hop", PROXY, { "x-forwarded-for": "not-an-ip" }, PROXY],
    ["unknown as the last hop", PROXY, { "x-forwarded-for": "unknown" }, PROXY],
    ["an empty hop", PROXY, { "x-forwarded-for": "203.0.113.7, , 10.1.1.1" }, PROXY],
    ["junk behind a trusted hop", PROXY, { "x-forwarded-for": "garbage, 10.1.1.1" }, PROXY],
    ["an out-of-range octet", PROXY, { "x-forwarded-for": "203.0.113.256" }, PROXY],
    // RFC 7239.
    ["Forwarded for=", PROXY, { forwarded: "for=203.0.113.7;proto=https;by=10.0.0.5" }, "203.0.113.7"],
    [
      "Forwarded is case-insensitive and quoted IPv6 with a port",
      PROXY,
      { forwarded: 'For="[2001:db8:cafe::17]:4711"' },
      "2001:db8:cafe::17",
    ],
    [
      "Forwarded chain walked from the right",
      PROXY,
      { forwarded: "for=1.1.1.1, for=203.0.113.7, for=10.1.1.1" },
      "203.0.113.7",
    ],
    [
      "Forwarded quoted commas do not split elements",
      PROXY,
      { forwarded: 'for=203.0.113.7;host="a,b", for=10.1.1.1' },
      "203.0.113.7",
    ],
    ["Forwarded obfuscated identifier: the peer", PROXY, { forwarded: "for=_hidden" }, PROXY],
    ["Forwarded element without for=: the peer", PROXY, { forwarded: "proto=https" }, PROXY],
    ["Forwarded unterminated quote: the peer", PROXY, { forwarded: 'for="203.0.113.7' }, PROXY],
    // A client-sent Forwarded passed through by a proxy that writes X-Forwarded-For is ignored.
    [
      "X-Forwarded-For wins over Forwarded",
      PROXY,
      { "x-forwarded-for": "203.0.113.7", forwarded: "for=1.1.1.1" },
      "203.0.113.7",
    ],
  ];
  for (const [name, peer, headers, expected] of cases) {
    test(name, () => expect(resolve(peer, h(headers))).toBe(expected));
  }

  test("an untrusted peer's forwarding headers are ignored", () => {
    const forged = h({ "x-forwarded-for": "1.1.1.1", forwarded: "for=2.2.2.2" });
    expect(resolve("203.0.113.9", forged)).toBe("203.0.113.9");
    expect(resolve("::ffff:203.0.113.9", forged)).toBe("203.0.113.9");
    expect(resolve("fe80::1", forged)).toBe("fe80::1");
  });

  test("several X-Forwarded-For lines are one list, in order", () => {
    const headers = new Headers();
    headers.append("x-forwarded-for", "1.1.1.1");
    headers.append("x-forwarded-for", "203.0.113.7");
    expect(resolve(PROXY, headers)).toBe("203.0.113.7");
  });

  test("a peer the listener could not give as an address is passed through", () => {
    expect(resolve(null, h({ "x-forwarded-for": "203.0.113.7" }))).toBeNull();
    expect(resolve("unix-socket", h({ "x-forwarded-for": "203.0.113.7" }))).toBe("unix-socket");
  });
});

test("parseHop reads the forms proxies write and nothing else", () => {
  expect(parseHop(" 203.0.113.7 ")).not.toBeNull();
  expect(parseHop("[2001:db8::1]")).not.toBeNull();
  for (const bad of [
    "[2001:db8::1",
    "[2001:db8::1]x",
    "[2001:db8::1]:",
    "203.0.113.7:",
    "203.0.113.7:123456",
    "fe80::1%eth0",
    "",
    "[]",
  ]) {
    expect([bad, parseHop(bad)]).toEqual([bad, null]);
  }
});

test("forwardedFor lists each element's for= value, empty where there is none", () => {
  expect(
    forwardedFor('for=192.0.2.60;proto=http;by=203.0.113.43, proto=https, for="[2001:db8::1]", FOR="a\\"b"'),
  ).toEqual(["192.0.2.60", "", "[2001:db8::1]", 'a"b']);
});
