import { afterEach, expect, test } from "bun:test";
import type { Server } from "bun";
import { silentLogger } from "../runtime";
import { freePort } from "../../test/support/pebble";
import { selfSigned } from "../../test/support/self-signed";
import { httpsFront, httpsLocation, type HttpsDeps } from "./https";

const pair = selfSigned(["chat.example.com", "www.example.com"]);
const certs: HttpsDeps["certs"] = { current: () => pair, onChange: () => {} };
const peer = (address: string) =>
  ({ requestIP: () => ({ address, family: "IPv4", port: 40000 }) }) as unknown as Server<undefined>;
const routed = async () => new Response("routed");

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

const front = async (hsts: boolean) => {
  const f = httpsFront<undefined>({ https: { port: freePort(), hsts, certs }, host: "127.0.0.1", log: silentLogger });
  await f.start(routed, undefined);
  stop = () => f.stop(Date.now());
  return f;
};

test("plain HTTP from the network is redirected to HTTPS under a name the certificate covers", async () => {
  const f = await front(false);
  const httpsPort = f.port()!;
  const plain = f.plain(routed);
  const res = (await plain(
    new Request("http://www.example.com/widget?x=1", { headers: { host: "www.example.com:80" } }),
    peer("203.0.113.7"),
  ))!;
  expect(res.status).toBe(308);
  expect(res.headers.get("location")).toBe(`https://www.example.com:${httpsPort}/widget?x=1`);
  // A forged Host never becomes the redirect target.
  const forged = (await plain(
    new Request("http://evil.example.net/", { headers: { host: "evil.example.net" } }),
    peer("203.0.113.7"),
  ))!;
  expect(forged.headers.get("location")).toBe(`https://chat.example.com:${httpsPort}/`);
  // Loopback peers (the CLI's admin client, local probes) are served on plain HTTP.
  for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
    expect(await (await plain(new Request("http://127.0.0.1/api/v1/status"), peer(address)))!.text()).toBe("routed");
  }
});

test("HTTPS answers carry HSTS only when it is turned on", async () => {
  for (const hsts of [true, false]) {
    const f = await front(hsts);
    const res = await fetch(`https://127.0.0.1:${f.port()}/healthz`, {
      tls: { ca: pair.cert, serverName: "chat.example.com" },
    });
    expect(await res.text()).toBe("routed");
    expect(res.headers.get("strict-transport-security")).toBe(hsts ? "max-age=31536000" : null);
    await stop?.();
    stop = null;
  }
});

test("without a certificate nothing is redirected and no HTTPS port is bound", async () => {
  const f = httpsFront<undefined>({
    https: { port: freePort(), hsts: true, certs: { ...certs, current: () => null } },
    host: "127.0.0.1",
    log: silentLogger,
  });
  await f.start(routed, undefined);
  expect(f.port()).toBeNull();
  expect(await (await f.plain(routed)(new Request("http://chat.example.com/"), peer("203.0.113.7")))!.text()).toBe(
    "routed",
  );
  await f.stop(Date.now());
});

test("the redirect keeps the default port out of the URL", () => {
  expect(httpsLocation(new Request("http://a.example.com/p"), ["a.example.com"], 443)).toBe("https://a.example.com/p");
});
