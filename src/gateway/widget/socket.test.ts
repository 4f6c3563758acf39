// The widget socket protocol through a real Bun.serve listener on port 0, on both stores: origin and
// token checks at the upgrade, visitor messages stored once with their respond job, replies pushed when
// their `sent` commits (via NOTIFY xin_widget), history after a reconnect, error frames, rate limits.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { describeStores } from "../../../test/support/db";
import {
  setupWidgetSite,
  startEchoWorkers,
  startLiveGateway,
  type LiveGateway,
  type WidgetSiteFixture,
} from "../../../test/support/widget";
import { openClient } from "../../runtime/db";
import {
  newVisitorId,
  WIDGET_SIGNATURE_HEADER,
  widgetBodySignature,
  widgetCredentials,
  widgetDeltaNotices,
  widgetTypingNotice,
} from "../../channels";
import { decryptSecret } from "../../runtime";
import { INSTANCE_KEY } from "../../../test/support/gateway";
import type { ServerFrame } from "./protocol";

const SITE = "http://shop.localhost:5173";
// Bun's WebSocket takes request headers (Origin); the DOM lib's constructor type does not say so.
const BunWebSocket = WebSocket as unknown as new (url: string, options?: Bun.WebSocketOptions) => WebSocket;

type Client = {
  ws: WebSocket;
  frames: ServerFrame[];
  next<T extends ServerFrame["type"]>(type: T, ms?: number): Promise<Extract<ServerFrame, { type: T }>>;
  close(): void;
};

const connect = (gw: LiveGateway, brand: string, token = "", origin = SITE): Promise<Client> =>
  new Promise((resolve, reject) => {
    const ws = new BunWebSocket(
      `ws://127.0.0.1:${gw.port}/widget/ws?brand=${brand}&token=${encodeURIComponent(token)}`,
      { headers: { Origin: origin } },
    );
    const frames: ServerFrame[] = [];
    let cursor = 0;
    const waiters: (() => void)[] = [];
    ws.onmessage = (e) => {
      frames.push(JSON.parse(String(e.data)) as ServerFrame);
      for (const w of waiters.splice(0)) w();
    };
    ws.onerror = () => reject(new Error("socket error"));
    const next = async <T extends ServerFrame["type"]>(type: T, ms = 5000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = frames.findIndex((f, n) => n >= cursor && f.type === type);
        if (i >= 0) {
          cursor = i + 1;
          return frames[i] as Extract<ServerFrame, { type: T }>;
        }
        if (Date.now() > deadline) throw new Error(`no ${type} frame; got ${frames.map((f) => f.type).join(",")}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    };
    ws.onopen = () => resolve({ ws, frames, next, close: () => ws.close() });
  });

const upgradeStatus = async (gw: LiveGateway, brand: string, origin?: string) => {
  const headers: Record<string, string> = {
    upgrade: "websocket",
    connection: "Upgrade",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    "sec-websocket-version": "13",
  };
  if (origin) headers.origin = origin;
  return (await fetch(`${gw.url}/widget/ws?brand=${brand}`, { headers })).status;
};

describeStores("widget socket", (getDb) => {
  let gw: LiveGateway;
  let site: WidgetSiteFixture;
  let workers: { stop(): Promise<void> } | null = null;
  beforeAll(async () => {
    site = await setupWidgetSite(getDb(), [SITE], {
      title: "Acme Help",
      color: "#0f766e",
      greeting: "Hey there",
      position: "left",
    });
    gw = await startLiveGateway(getDb());
  });
  afterAll(async () => {
    await workers?.stop();
    await gw?.stop();
  });

  test("the upgrade refuses other origins and a missing Origin with 403, an unknown brand with 404, a NUL or broken escape with 400", async () => {
    expect(await upgradeStatus(gw, site.brandId, "https://evil.example")).toBe(403);
    expect(await upgradeStatus(gw, site.brandId, "http://shop.localhost:5174")).toBe(403);
    expect(await upgradeStatus(gw, site.brandId)).toBe(403);
    expect(await upgradeStatus(gw, "brd_nope", SITE)).toBe(404);
    expect(await upgradeStatus(gw, "%00", SITE)).toBe(400);
    expect(await upgradeStatus(gw, "%E0%A4%A", SITE)).toBe(400);
  });

  test("a visitor is greeted with a token and settings; a message is stored once with its respond job and echoed to every tab", async () => {
    const db = getDb();
    const a = await connect(gw, site.brandId);
    const ready = await a.next("ready");
    expect(ready.settings).toMatchObject({
      title: "Acme Help",
      color: "#0f766e",
      greeting: "Hey there",
      position: "left",
    });
    expect((await a.next("history")).messages).toEqual([]);
    const tab2 = await connect(gw, site.brandId, ready.visitor_token);
    expect((await tab2.next("ready")).visitor_token).toBe(ready.visitor_token);

    const text = "Wo ist mein Paket? 📦 <script>alert(1)</script>";
    a.ws.send(JSON.stringify({ type: "send", id: "client-msg-0001", text }));
    const echoed = await a.next("message");
    expect(echoed.message).toMatchObject({ role: "visitor", text, client_id: "client-msg-0001" });
    expect((await tab2.next("message")).message.id).toBe(echoed.message.id);
    expect((await a.next("typing")).on).toBe(true);
    a.ws.send(JSON.stringify({ type: "send", id: "client-msg-0001", text }));
    await a.next("message");

    const rows =
      await db.sql`select m.body, m.direction, c.external_id from messages m join conversations v on v.id = m.conversation_id join contacts c on c.id = v.contact_id
      where m.channel_id = ${site.channel.id}`;
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { body: text, direction: "in", external_id: ready.visitor_token.split(".")[0] },
    ]);
    const jobs = await db.sql`select kind, key from jobs where kind = 'respond'`;
    expect(jobs.length).toBe(1);
    a.close();
    tab2.close();
  });

  test("a reply reaches the socket when its sent state commits, and history holds both after a reconnect", async () => {
    workers = await startEchoWorkers(getDb(), gw.wake);
    const a = await connect(gw, site.brandId);
    const { visitor_token } = await a.next("ready");
    a.ws.send(JSON.stringify({ type: "send", id: "client-msg-0002", text: "hello there" }));
    await a.next("message");
    const reply = await a.next("message");
    expect(reply.message).toMatchObject({ role: "assistant", text: "You said: hello there" });
    const [row] = await getDb().sql`select status, provider_message_id from messages where id = ${reply.message.id}`;
    expect(row.status).toBe("sent");
    expect(row.provider_message_id).toStartWith("wgt_");
    a.close();

    const again = await connect(gw, site.brandId, visitor_token);
    await again.next("ready");
    const history = await again.next("history");
    expect(history.messages.map((m) => [m.role, m.text])).toEqual([
      ["visitor", "hello there"],
      ["assistant", "You said: hello there"],
    ]);
    again.close();
  });

  test("/demo/<slug> embeds the widget from xin's own origin; /embed.js of an unknown brand is a 404 script", async () => {
    const demo = await fetch(`${gw.url}/demo/${site.brandSlug}`);
    expect(demo.status).toBe(200);
    const html = await demo.text();
    expect(html).toContain(`<script src="/embed.js?brand=${site.brandId}" async></script>`);
    expect(html).toContain("<h1>Acme Help</h1>");
    expect((await fetch(`${gw.url}/demo/nope`)).status).toBe(404);
    const missing = await fetch(`${gw.url}/embed.js?brand=nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toStartWith("text/javascript");
    // The demo page's own origin may open the socket without being listed in allowed_origins.
    expect(await upgradeStatus(gw, site.brandId, gw.url)).toBe(101);
  });

  test("streamed pieces and typing published with NOTIFY from any connection reach the visitor's sockets", async () => {
    const a = await connect(gw, site.brandId);
    const { visitor_token } = await a.next("ready");
    const visitor = visitor_token.split(".")[0];
    const other = openClient(getDb().target, { max: 1 }); // another instance's connection
    const publish = async (n: { channel: string; payload: string }) => {
      await other.sql`select pg_notify(${n.channel}, ${n.payload})`;
    };
    try {
      await publish(widgetTypingNotice(site.channel.id, visitor, true));
      expect((await a.next("typing")).on).toBe(true);
      for (const n of widgetDeltaNotices(site.channel.id, visitor, "msg_streaming", "Hello, wor")) await publish(n);
      expect(await a.next("delta")).toEqual({ type: "delta", message_id: "msg_streaming", text: "Hello, wor" });
      await publish(widgetTypingNotice(site.channel.id, "v_someoneElseAAAAAAAAAAA", true));
      await publish(widgetTypingNotice(site.channel.id, visitor, false));
      expect((await a.next("typing")).on).toBe(false);
      expect(a.frames.filter((f) => f.type === "typing").length).toBe(2); // the other visitor's notice never arrived here
    } finally {
      await other.close();
      a.close();
    }
  });

  test("server-to-server ingest at /webhooks/web/<channel>: signed bodies are stored, unsigned ones get 401", async () => {
    const visitor_id = newVisitorId();
    const body = new TextEncoder().encode(
      JSON.stringify({
        visitor_id,
        messages: [{ id: "s2s-msg-0001", sent_at: Date.now(), text: "from a custom front end" }],
      }),
    );
    const credentials = widgetCredentials.parse(
      JSON.parse(decryptSecret(INSTANCE_KEY, site.channel.credentials_sealed ?? "")),
    );
    const url = `${gw.url}/webhooks/web/${site.channel.id}`;
    expect((await fetch(url, { method: "POST", body })).status).toBe(401);
    const ok = await fetch(url, {
      method: "POST",
      body,
      headers: { [WIDGET_SIGNATURE_HEADER]: widgetBodySignature(credentials, body) },
    });
    expect(ok.status).toBe(200);
    const rows = await getDb()
      .sql`select body from messages where channel_id = ${site.channel.id} and provider_message_id = ${`${visitor_id}:s2s-msg-0001`}`;
    expect(rows.map((r) => r.body)).toEqual(["from a custom front end"]);
  });

  test("a forged token gets a new visitor with no history", async () => {
    const a = await connect(gw, site.brandId);
    const { visitor_token } = await a.next("ready");
    a.close();
    const forged = `${visitor_token.slice(0, -2)}xx`;
    const b = await connect(gw, site.brandId, forged);
    const ready = await b.next("ready");
    expect(ready.visitor_token).not.toBe(visitor_token);
    expect((await b.next("history")).messages).toEqual([]);
    b.close();
  });

  test("bad frames, over-long text and floods get error frames and write nothing", async () => {
    const db = getDb();
    const a = await connect(gw, site.brandId);
    await a.next("ready");
    a.ws.send("not json");
    expect((await a.next("error")).code).toBe("frame_invalid");
    a.ws.send(JSON.stringify({ type: "send", id: "x", text: "short id" }));
    expect((await a.next("error")).code).toBe("frame_invalid");
    a.ws.send(JSON.stringify({ type: "send", id: "client-long-01", text: "a".repeat(2001) }));
    expect(await a.next("error")).toMatchObject({ code: "message_too_long", client_id: "client-long-01" });
    expect(
      (await db.sql`select count(*)::int as n from messages where body = 'short id' or length(body) > 2000`)[0].n,
    ).toBe(0);
    // Text PostgreSQL cannot store is a frame_invalid naming where, not an "internal" failure.
    // Inbound rows only: an earlier test's reply may still be written meanwhile, and a visitor's frame
    // can only ever write an inbound one.
    const inbound = async () => (await db.sql`select count(*)::int as n from messages where direction = 'in'`)[0].n;
    const messagesBefore = await inbound();
    a.ws.send(JSON.stringify({ type: "send", id: "client-nul-001", text: "hi\u0000there" }));
    expect(await a.next("error")).toMatchObject({
      code: "frame_invalid",
      message: "frame.text: contains a NUL character (U+0000)",
    });
    a.ws.send('{"type":"send","id":"client-sur-001","text":"hi \\ud83d"}');
    expect(await a.next("error")).toMatchObject({
      code: "frame_invalid",
      message: "frame.text: contains an unpaired UTF-16 surrogate",
    });
    expect(await inbound()).toBe(messagesBefore);
    expect(
      (
        await db.sql`select count(*)::int as n from messages where provider_message_id like '%:client-nul-001' or provider_message_id like '%:client-sur-001'`
      )[0].n,
    ).toBe(0);
    for (let i = 0; i < 7; i++) a.ws.send(JSON.stringify({ type: "send", id: `client-flood-${i}`, text: `n${i}` }));
    const limited = await a.next("error");
    expect(limited).toMatchObject({ code: "rate_limited", client_id: "client-flood-6" });
    expect(limited.retry_after_ms).toBeGreaterThan(0);
    a.close();
  });

  test("a message sent while the store is unreachable is answered `unavailable` (still pending), and stored once when sent again", async () => {
    const real = getDb();
    const cut = openClient(real.target, { max: 1 });
    await cut.sql.end(); // every query on it fails as a connection to a server that is gone does
    let storeDown = false;
    const flaky = {
      ...real,
      get db() {
        return storeDown ? cut.db : real.db;
      },
    } as typeof real;
    const own = await startLiveGateway(flaky);
    try {
      const a = await connect(own, site.brandId);
      await a.next("ready");
      const stored = async () =>
        (await real.sql`select count(*)::int as n from messages where provider_message_id like '%:client-down-0001'`)[0]
          .n;
      const frame = JSON.stringify({ type: "send", id: "client-down-0001", text: "typed while the store is down" });
      storeDown = true;
      a.ws.send(frame);
      const deferred = await a.next("error");
      expect(deferred).toMatchObject({ code: "unavailable", client_id: "client-down-0001" });
      expect(deferred.retry_after_ms).toBeGreaterThan(0);
      expect(await stored()).toBe(0);
      storeDown = false;
      a.ws.send(frame); // what the widget does after retry_after_ms
      expect((await a.next("message")).message).toMatchObject({
        role: "visitor",
        client_id: "client-down-0001",
        text: "typed while the store is down",
      });
      a.ws.send(frame); // and a second resend (its ack lost) is a no-op
      await a.next("message");
      expect(await stored()).toBe(1);
      a.close();
    } finally {
      await own.stop();
    }
  });

  test("HTTP fallback: sync and send with CORS for allowed origins; 403 without CORS headers for others", async () => {
    const post = (path: string, body: unknown, origin = SITE) =>
      fetch(`${gw.url}${path}?brand=${site.brandId}`, {
        method: "POST",
        headers: { origin, "content-type": "text/plain" },
        body: JSON.stringify(body),
      });
    const sync = await post("/widget/sync", {});
    expect(sync.status).toBe(200);
    expect(sync.headers.get("access-control-allow-origin")).toBe(SITE);
    const { visitor_token } = (await sync.json()) as { visitor_token: string };
    const sent = await post("/widget/send", {
      token: visitor_token,
      type: "send",
      id: "http-msg-0001",
      text: "via http",
    });
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as { messages: { text: string }[] }).messages[0].text).toBe("via http");
    const history = (await (await post("/widget/sync", { token: visitor_token })).json()) as {
      messages: { text: string }[];
    };
    expect(history.messages[0].text).toBe("via http");
    const refused = await post(
      "/widget/send",
      { token: visitor_token, type: "send", id: "http-msg-0002", text: "x" },
      "https://evil.example",
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
