import { afterAll, expect, test } from "bun:test";
import { freePort } from "../../../test/support/binary";
import { checkPort } from "./port";

// Another program on a port: a raw TCP listener, not an HTTP server answering /healthz.
const other = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
// Something answering /healthz as xin does: this instance's server when the data dir's lock names it.
const xinLike = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ status: "ok" }) });
afterAll(() => {
  other.stop(true);
  xinLike.stop(true);
});

test("a free port is ok", async () => {
  const port = freePort();
  expect(await checkPort("port", "127.0.0.1", port, null)).toMatchObject({
    status: "ok",
    detail: `127.0.0.1:${port} is free`,
  });
});

test("a port taken by another program fails with how to find it", async () => {
  const c = await checkPort("port", "127.0.0.1", other.port, null);
  expect(c).toMatchObject({ status: "fail", detail: `127.0.0.1:${other.port} is taken by another program` });
  expect(c.fix).toContain(`ss -ltnp 'sport = :${other.port}'`);
});

test("a port held by this instance's running server is ok; another xin there (no lock of ours) fails", async () => {
  expect((await checkPort("port", "127.0.0.1", xinLike.port!, 4242)).detail).toBe(
    `127.0.0.1:${xinLike.port} is served by this xin (pid 4242)`,
  );
  expect(await checkPort("port", "127.0.0.1", xinLike.port!, null)).toMatchObject({
    status: "fail",
    detail: `127.0.0.1:${xinLike.port} is taken by another xin instance`,
  });
});

test("a host that is not an address of this machine fails", async () => {
  const c = await checkPort("port", "203.0.113.7", freePort(), null);
  expect(c.status).toBe("fail");
  expect(c.fix).toContain("server.host");
});
