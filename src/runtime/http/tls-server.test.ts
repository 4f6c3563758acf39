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

test("a swap serves the new certificate on the same port while a request in flight finishes on the old listener", async () => {
  const first = selfSigned(["a.test"]);
  const second = selfSigned(["a.test"]);
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  listener = listenTls({
    host: "127.0.0.1",
    port: freePort(),
    tls: first,
    fetch: async (req) => {
      if (new URL(req.url).pathname === "/slow") await held;
      return new Response("ok");
    },
  }, silentLogger);
  const port = listener.port();
  expect((await probeTls(port, "a.test", first.cert)).serial).toBe(serial(first.cert));

  // A request the old listener is still answering when the swap happens.
  const inFlight = fetch(`https://127.0.0.1:${port}/slow`, { tls: { ca: first.cert, serverName: "a.test" } });
  await Bun.sleep(50);
  let swapped = false;
  const swap = listener.swap(second).then(() => (swapped = true));
  expect((await probeTls(port, "a.test", second.cert)).serial).toBe(serial(second.cert));
  // The old listener waits for its request: the swap is not done, the request not cut.
  expect(swapped).toBe(false);
  release();
  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("ok");
  await swap;
  expect(listener.port()).toBe(port);
  // Every new handshake now gets the new certificate.
  for (let i = 0; i < 5; i++) expect((await probeTls(port, "a.test", second.cert)).serial).toBe(serial(second.cert));
});
