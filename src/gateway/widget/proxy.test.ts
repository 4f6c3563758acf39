// The widget's per-IP limits behind a reverse proxy, through a real Bun.serve listener: the test
// client's TCP peer is 127.0.0.1, which one gateway trusts as its proxy and another does not. Limits
// are tiny (2 per IP, no refill within a test) so a third request shows whose budget it was charged to.
// One store is enough: nothing here depends on which PostgreSQL runs underneath.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestDb, type TestDb } from "../../../test/support/db";
import {
  setupWidgetSite,
  startLiveGateway,
  type LiveGateway,
  type WidgetSiteFixture,
} from "../../../test/support/widget";
import type { ServerFrame } from "./protocol";
import { TokenBuckets, type WidgetLimits } from "./rate-limit";

const SITE = "http://shop.localhost:5173";
const BunWebSocket = WebSocket as unknown as new (url: string, options?: Bun.WebSocketOptions) => WebSocket;

const tinyLimits = (): WidgetLimits => ({
  visitor: new TokenBuckets({ capacity: 100, refillPerSecond: 100 }),
  ip: new TokenBuckets({ capacity: 2, refillPerSecond: 0.001 }),
  connect: new TokenBuckets({ capacity: 2, refillPerSecond: 0.001 }),
});

let db: TestDb & { dispose(): Promise<void> };
let site: WidgetSiteFixture;
let behindProxy: LiveGateway;
let direct: LiveGateway;
let n = 0;

beforeAll(async () => {
  db = await createTestDb("embedded");
  site = await setupWidgetSite(db, [SITE]);
  behindProxy = await startLiveGateway(db, undefined, {
    trustedProxies: ["127.0.0.1", "10.0.0.0/8"],
    widgetLimits: tinyLimits(),
  });
  // Trusts a proxy range the test client is not in: its forwarding headers must count for nothing.
  direct = await startLiveGateway(db, undefined, { trustedProxies: ["10.0.0.0/8"], widgetLimits: tinyLimits() });
});
afterAll(async () => {
  await behindProxy?.stop();
  await direct?.stop();
  await db?.dispose();
});

/** POST /widget/send as a new visitor each time (empty token), so only the per-IP budget is shared. */
const send = async (gw: LiveGateway, forwardedFor?: string): Promise<number> => {
  const headers: Record<string, string> = { origin: SITE, "content-type": "text/plain" };
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  const body = JSON.stringify({ token: "", type: "send", id: `proxy-msg-${String(++n).padStart(4, "0")}`, text: "hi" });
  const res = await fetch(`${gw.url}/widget/send?brand=${site.brandId}`, { method: "POST", headers, body });
  await res.body?.cancel();
  return res.status;
};

/** The socket upgrade's status alone (the connection budget is charged before the upgrade). */
const upgrade = async (gw: LiveGateway, forwardedFor?: string): Promise<number> => {
  const headers: Record<string, string> = {
    origin: SITE,
    upgrade: "websocket",
    connection: "Upgrade",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    "sec-websocket-version": "13",
  };
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  return (await fetch(`${gw.url}/widget/ws?brand=${site.brandId}`, { headers })).status;
};

/** An open widget socket whose frames are collected; `until` waits for a frame of a type. */
const openSocket = (gw: LiveGateway, forwardedFor: string) =>
  new Promise<{ ws: WebSocket; until(type: ServerFrame["type"]): Promise<ServerFrame> }>((resolve, reject) => {
    const ws = new BunWebSocket(`ws://127.0.0.1:${gw.port}/widget/ws?brand=${site.brandId}`, {
      headers: { Origin: SITE, "X-Forwarded-For": forwardedFor },
    });
    const frames: ServerFrame[] = [];
    const waiters = new Set<() => void>();
    ws.onmessage = (e) => {
      frames.push(JSON.parse(String(e.data)) as ServerFrame);
      for (const w of waiters) w();
    };
    ws.onerror = () => reject(new Error("socket error"));
    const until = (type: ServerFrame["type"]) =>
      new Promise<ServerFrame>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`no ${type} frame; got ${frames.map((f) => f.type).join(",")}`)),
          5000,
        );
        const check = () => {
          const i = frames.findIndex((f) => f.type === type);
          if (i < 0) return;
          waiters.delete(check);
          clearTimeout(timer);
          done(frames.splice(i, 1)[0]);
        };
        waiters.add(check);
        check();
      });
    ws.onopen = () => resolve({ ws, until });
  });

describe("behind a trusted proxy", () => {
  test("HTTP sends: two visitors with different X-Forwarded-For have separate per-IP budgets", async () => {
    expect([await send(behindProxy, "203.0.113.1"), await send(behindProxy, "203.0.113.1")]).toEqual([200, 200]);
    expect(await send(behindProxy, "203.0.113.1")).toBe(429);
    expect(await send(behindProxy, "203.0.113.2")).toBe(200);
    // A visitor cannot escape its budget by forging entries left of the one its proxy appended.
    expect(await send(behindProxy, "198.51.100.77, 203.0.113.1")).toBe(429);
    expect(await send(behindProxy, "::ffff:203.0.113.1, 10.0.0.7")).toBe(429); // another spelling, and a second trusted hop
  });

  test("socket upgrades: each forwarded client has its own connection budget", async () => {
    expect([await upgrade(behindProxy, "203.0.113.11"), await upgrade(behindProxy, "203.0.113.11")]).toEqual([
      101, 101,
    ]);
    expect(await upgrade(behindProxy, "203.0.113.11")).toBe(429);
    expect(await upgrade(behindProxy, "203.0.113.12")).toBe(101);
    expect(await upgrade(behindProxy, "192.0.2.1, 203.0.113.11")).toBe(429);
  });

  test("socket messages are charged to the forwarded client, not to the proxy", async () => {
    const a = await openSocket(behindProxy, "203.0.113.21");
    const b = await openSocket(behindProxy, "2001:db8::21");
    await a.until("ready");
    await b.until("ready");
    for (let i = 0; i < 3; i++) a.ws.send(JSON.stringify({ type: "send", id: `proxy-sock-a-${i}`, text: `a${i}` }));
    await a.until("message");
    await a.until("message");
    expect(await a.until("error")).toMatchObject({ code: "rate_limited", client_id: "proxy-sock-a-2" });
    b.ws.send(JSON.stringify({ type: "send", id: "proxy-sock-b-0", text: "b0" }));
    expect(await b.until("message")).toMatchObject({ type: "message", message: { text: "b0" } });
    a.ws.close();
    b.ws.close();
  });
});

describe("from an untrusted peer", () => {
  test("a forged X-Forwarded-For is ignored: HTTP sends share the peer's budget", async () => {
    expect([await send(direct, "203.0.113.31"), await send(direct, "203.0.113.32")]).toEqual([200, 200]);
    expect(await send(direct, "203.0.113.33")).toBe(429);
    expect(await send(direct)).toBe(429);
  });

  test("a forged X-Forwarded-For is ignored: socket upgrades share the peer's budget", async () => {
    expect([await upgrade(direct, "203.0.113.41"), await upgrade(direct, "10.0.0.9")]).toEqual([101, 101]);
    expect(await upgrade(direct, "203.0.113.43")).toBe(429);
  });
});
