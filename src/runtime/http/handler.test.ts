import { describe, expect, test } from "bun:test";
import { XinError } from "../errors";
import { createLogger } from "../log";
import { createMetrics } from "../metrics";
import { createFetchHandler } from "./handler";
import { json } from "./respond";
import { Router } from "./router";

const lines: string[] = [];
const metrics = createMetrics();
const router = new Router()
  .post("/echo/:id", async (ctx) => json({ id: ctx.params.id, size: (await ctx.body()).length }))
  .post("/parse", async (ctx) => json({ got: await ctx.json() }))
  .get("/teapot", () => {
    throw new XinError("demo.teapot", "I am a teapot", { status: 418, data: { field: "pot" } });
  })
  .get("/crash", () => {
    throw new Error("secret detail: password=hunter2");
  });
const handle = createFetchHandler({
  router,
  log: createLogger({ sink: (l) => lines.push(l) }),
  metrics,
  bodyLimitBytes: 1024,
});
const req = (path: string, init?: RequestInit) => handle(new Request(`http://x${path}`, init));

describe("fetch handler", () => {
  test("routes with params and reads the body", async () => {
    const res = await req("/echo/abc%20d", { method: "POST", body: "hello" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "abc d", size: 5 });
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  });

  test("a body over the limit is 413, by header or by stream", async () => {
    const big = "x".repeat(2048);
    const res = await req("/echo/1", { method: "POST", body: big });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("http.body_too_large");
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode("y".repeat(400)));
        c.close();
      },
    });
    const streamed = await req("/echo/1", { method: "POST", body: stream });
    expect(streamed.status).toBe(413);
  });

  test("malformed JSON is a 400 with a clear code", async () => {
    const res = await req("/parse", { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("http.json_invalid");
  });

  test("unknown path 404, wrong method 405, XinError keeps code, status and field", async () => {
    expect((await req("/nowhere")).status).toBe(404);
    expect((await req("/parse")).status).toBe(405);
    const res = await req("/teapot", { headers: { "x-request-id": "abc" } });
    expect(res.status).toBe(418);
    expect(await res.json()).toEqual({
      error: { code: "demo.teapot", message: "I am a teapot", request_id: "abc", field: "pot" },
    });
  });

  test("an unexpected error is a 500 that hides its detail, which goes to the log redacted", async () => {
    lines.length = 0;
    const res = await req("/crash");
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe("internal");
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(lines.some((l) => l.includes("request failed"))).toBe(true);
  });

  test("requests are counted by route pattern, not raw path", async () => {
    await req("/echo/one", { method: "POST", body: "" });
    await req("/echo/two", { method: "POST", body: "" });
    const text = await metrics.registry.metrics();
    expect(text).toContain('xin_http_requests_total{route="/echo/:id",method="POST",status="200"}');
    expect(text).not.toContain("/echo/one");
  });
});
