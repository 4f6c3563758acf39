// Methods through a real listener and a raw TCP socket, as a scanner sends them: every method the
// HTTP parser accepts gets a JSON answer (405 with Allow on a known path, 404 elsewhere), never a
// dropped connection.
import { afterAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { silentLogger } from "../log";
import { createFetchHandler } from "./handler";
import { json } from "./respond";
import { Router } from "./router";
import { listen } from "./server";

const router = new Router().get("/items", () => json({ ok: true })).post("/items", () => json({ ok: true }));
const server = listen(
  { host: "127.0.0.1", port: 0, fetch: createFetchHandler({ router, log: silentLogger, bodyLimitBytes: 1024 }) },
  silentLogger,
);
afterAll(() => server.stop(true));

/** Sends raw bytes and reads until the server closes (the request asks it to). */
const raw = (text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(server.port ?? 0, "127.0.0.1");
    let out = "";
    socket.on("data", (d) => (out += d.toString("latin1")));
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
    socket.write(text);
  });

const answer = async (method: string, path: string) => {
  const text = await raw(`${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  const [head, body] = text.split("\r\n\r\n", 2);
  const status = Number(head.split(" ")[1]);
  const allow = /\r\nallow: ([^\r]*)/i.exec(head)?.[1] ?? null;
  return { status, allow, body };
};

test.each(["PROPFIND", "TRACE", "PURGE", "LINK", "M-SEARCH", "QUERY", "PUT", "DELETE", "OPTIONS"])(
  "%s on a known path is a JSON 405 naming the allowed methods",
  async (method) => {
    const res = await answer(method, "/items");
    expect({ status: res.status, allow: res.allow }).toEqual({ status: 405, allow: "GET, HEAD, POST" });
    expect(JSON.parse(res.body).error.code).toBe("http.method_not_allowed");
  },
);

test.each(["PROPFIND", "TRACE", "MKCOL"])("%s on an unknown path is a JSON 404", async (method) => {
  const res = await answer(method, "/nowhere");
  expect(res.status).toBe(404);
  expect(JSON.parse(res.body).error.code).toBe("http.not_found");
});

test("a NUL escaped in the request line is a JSON 400, through the real listener", async () => {
  const res = await answer("GET", "/items/%00");
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body).error.code).toBe("http.request_invalid");
});

test("HEAD of a GET route answers without a body", async () => {
  const res = await answer("HEAD", "/items");
  expect(res.status).toBe(200);
  expect(res.body).toBe("");
});
