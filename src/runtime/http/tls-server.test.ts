import { afterEach, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { silentLogger } from "../log";
import { probeTls } from "../../../test/support/tls-probe";
import { selfSigned } from "../../../test/support/self-signed";
import { freePort } from "../../../test/support/pebble";
import { listenTls, type TlsListener } from "./tls-server";

const serial = (pem: string) => new X509Certificate(pem).serialNumber.toLowerCase();
let listener: TlsListener<undefined> | null = null;
afterEach(async () => {
  await listener?.stop(Date.now());
  listener = null;
});

test("a swap serves the new certificate on the same port at once while a request in flight finishes on the old listener", async () => {
  const first = selfSigned(["a.test"]);
  const second = selfSigned(["a.test"]);
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  listener = listenTls(
    {
      host: "127.0.0.1",
      port: freePort(),
      tls: first,
      fetch: async (req) => {
        if (new URL(req.url).pathname === "/slow") await held;
        return new Response("ok");
      },
    },
    silentLogger,
  );
  const port = listener.port();
  expect((await probeTls(port, "a.test", first.cert)).serial).toBe(serial(first.cert));

  // A request the old listener is still answering when the swap happens.
  const inFlight = fetch(`https://127.0.0.1:${port}/slow`, { tls: { ca: first.cert, serverName: "a.test" } });
  await Bun.sleep(50);
  // The swap is done once the new listener is bound: it does not wait for the old one's requests.
  await listener.swap(second);
  expect((await probeTls(port, "a.test", second.cert)).serial).toBe(serial(second.cert));
  // The request the old listener holds is not cut.
  release();
  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("ok");
  expect(listener.port()).toBe(port);
  // Every new handshake now gets the new certificate.
  for (let i = 0; i < 5; i++) expect((await probeTls(port, "a.test", second.cert)).serial).toBe(serial(second.cert));
});

test("stop also ends listeners still draining after a swap", async () => {
  const first = selfSigned(["a.test"]);
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  listener = listenTls(
    { host: "127.0.0.1", port: freePort(), tls: first, fetch: async () => (await held, new Response("late")) },
    silentLogger,
  );
  const port = listener.port();
  const pending = fetch(`https://127.0.0.1:${port}/`, { tls: { ca: first.cert, serverName: "a.test" } }).then(
    (r) => r.status,
    () => "cut",
  );
  await Bun.sleep(50);
  await listener.swap(selfSigned(["a.test"]));
  await listener.stop(Date.now() + 50);
  listener = null;
  // The held request was cut at the deadline; nothing listens on the port any more.
  expect(await pending).toBe("cut");
  release();
  await expect(probeTls(port, "a.test", first.cert)).rejects.toThrow();
});
