// The widget end to end in real headless Chromium (Debian's package, driven by playwright-core): a shop
// page on another loopback origin embeds the snippet, the visitor chats, reloads and keeps the history;
// the page's hostile CSS does not reach the widget nor ours the page; a page on an origin the channel
// does not allow gets no chat. Writes a screenshot of the open widget to /tmp/xin-widget-open.png.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import { widgetDeltaNotices } from "../../src/channels";
import { snippetOf } from "../../src/gateway/widget";
import { launchChromium } from "../support/chromium";
import { describeStores } from "../support/db";
import {
  setupWidgetSite,
  startEchoWorkers,
  startLiveGateway,
  type LiveGateway,
  type WidgetSiteFixture,
} from "../support/widget";

export const SCREENSHOT = "/tmp/xin-widget-open.png";

// The shop's own CSS is deliberately hostile: if it reached into the widget, the bubbles would turn
// serif, red and lime. Its `.bubble` and `.panel` elements must keep their look after ours loads.
const shopPage = (snippet: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>* { font-family: Georgia, serif !important; color: rgb(255, 0, 0) !important; } button { background: lime !important; }
.bubble { padding: 3px; border-radius: 0; } .panel { display: block; width: 200px; }</style></head>
<body><h1>Acme Shop</h1><p class="bubble" id="page-bubble">A page element that happens to be called .bubble</p>
<div class="panel" id="page-panel">A page .panel</div>${snippet}</body></html>`;

const widgetHost = (page: Page) => page.locator("#xin-chat-widget");
const activeClass = (page: Page) =>
  page.evaluate(() => document.querySelector("#xin-chat-widget")?.shadowRoot?.activeElement?.className ?? "");

describeStores("widget in Chromium", (getDb) => {
  let gw: LiveGateway;
  let site: WidgetSiteFixture;
  let shop: ReturnType<typeof Bun.serve>;
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let workers: { stop(): Promise<void> };

  beforeAll(async () => {
    gw = await startLiveGateway(getDb());
    // The shop listens on 127.0.0.1 but is visited as http://localhost:<port>: a different origin from
    // xin's http://127.0.0.1:<gw port>. The same server visited as http://127.0.0.1:<port> is the
    // disallowed origin.
    shop = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () =>
        new Response(shopPage(snippetOf(gw.url, site.brandId)), { headers: { "content-type": "text/html" } }),
    });
    site = await setupWidgetSite(getDb(), [`http://localhost:${shop.port}`], {
      title: "Acme Support",
      subtitle: "Typically replies in a minute",
      color: "#0f766e",
      greeting: "Hi! Ask us anything about your order.",
    });
    workers = await startEchoWorkers(getDb(), gw.wake);
    browser = await launchChromium();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await workers?.stop();
    shop?.stop(true);
    await gw?.stop();
  });

  test("a visitor on an allowed origin chats, reloads and keeps the history; styles stay on their side", async () => {
    const page = await context.newPage();
    await page.goto(`http://localhost:${shop.port}/`);
    const launcher = widgetHost(page).locator(".launcher");
    await launcher.click();
    const panel = widgetHost(page).locator(".panel");
    await expect(panel.isVisible()).resolves.toBe(true);
    expect(await launcher.getAttribute("aria-expanded")).toBe("true");
    expect(await activeClass(page)).toBe("input");
    expect(await widgetHost(page).locator(".title").textContent()).toBe("Acme Support");

    const text = "Where is my order #1042? <b>now</b> 📦";
    await widgetHost(page).locator("textarea").fill(text);
    await widgetHost(page).locator("textarea").press("Enter");
    const reply = widgetHost(page).locator(".msg.assistant[data-id] .bubble");
    await reply.first().waitFor({ timeout: 10_000 });
    expect(await reply.first().textContent()).toBe(`You said: ${text}`);
    const mine = widgetHost(page).locator(".msg.visitor .bubble");
    expect(await mine.first().textContent()).toBe(text);
    expect(await mine.first().locator("b").count()).toBe(0); // rendered as text, not markup

    const look = await mine.first().evaluate((n) => ({
      font: getComputedStyle(n).fontFamily,
      color: getComputedStyle(n).color,
      bg: getComputedStyle(n).backgroundColor,
    }));
    expect(look.font).not.toContain("Georgia");
    expect(look.color).toBe("rgb(255, 255, 255)");
    expect(look.bg).toBe("rgb(15, 118, 110)");
    const pageBubble = await page.locator("#page-bubble").evaluate((n) => ({
      padding: getComputedStyle(n).padding,
      width: getComputedStyle(document.getElementById("page-panel") as Element).width,
    }));
    expect(pageBubble).toEqual({ padding: "3px", width: "200px" });
    await page.screenshot({ path: SCREENSHOT });

    await page.keyboard.press("Escape");
    expect(await panel.isVisible()).toBe(false);
    expect(await launcher.getAttribute("aria-expanded")).toBe("false");
    expect(
      await page.evaluate(() =>
        document.querySelector("#xin-chat-widget")?.shadowRoot?.activeElement?.classList.contains("launcher"),
      ),
    ).toBe(true);

    await page.reload();
    // Keyboard only: focus the bubble, Enter opens it with focus in the input.
    await widgetHost(page).locator(".launcher").focus();
    await page.keyboard.press("Enter");
    expect(await activeClass(page)).toBe("input");
    expect(await widgetHost(page).locator(".launcher").getAttribute("aria-label")).toBe("Close chat: Acme Support");
    await reply.first().waitFor({ timeout: 10_000 });
    expect(await widgetHost(page).locator(".msg[data-id] .bubble").allTextContents()).toEqual([
      text,
      `You said: ${text}`,
    ]);
    const [{ n }] = await getDb().sql`select count(*)::int as n from messages where channel_id = ${site.channel.id}`;
    expect(n).toBe(2);
    await page.close();
  }, 60_000);

  test("a reply streamed as delta notices grows in one bubble while it is produced", async () => {
    const page = await context.newPage();
    await page.goto(`http://localhost:${shop.port}/`);
    await widgetHost(page).locator(".launcher").click();
    await widgetHost(page).locator(".msg[data-id]").first().waitFor(); // history loaded: the socket is up
    const token = await page.evaluate((key) => localStorage.getItem(key), `xin.widget.${site.brandId}`);
    const visitor = String(token).split(".")[0];
    const publish = async (n: { channel: string; payload: string }) => {
      await getDb().sql`select pg_notify(${n.channel}, ${n.payload})`;
    };
    for (const piece of ["Your parcel ", "left our warehouse ", "this morning."]) {
      for (const n of widgetDeltaNotices(site.channel.id, visitor, "msg_streamed_1", piece)) await publish(n);
    }
    const streamed = widgetHost(page).locator('[data-stream="msg_streamed_1"] .bubble');
    await streamed.filter({ hasText: "this morning." }).waitFor({ timeout: 10_000 });
    expect(await streamed.textContent()).toBe("Your parcel left our warehouse this morning.");
    await page.close();
  }, 60_000);

  test("where WebSockets cannot connect, the HTTP fallback carries the chat and polls for the reply", async () => {
    const page = await context.newPage();
    // A network that kills WebSockets (some corporate proxies): every socket closes before it opens.
    await page.addInitScript(() => {
      class DeadSocket {
        readyState = 3;
        onclose: ((e: unknown) => void) | null = null;
        constructor() {
          setTimeout(() => this.onclose?.({}), 5);
        }
        send() {}
        close() {}
      }
      Object.defineProperty(window, "WebSocket", { value: DeadSocket });
    });
    await page.goto(`http://localhost:${shop.port}/`);
    await widgetHost(page).locator(".launcher").click();
    await widgetHost(page).locator("textarea").fill("over plain http");
    await widgetHost(page).locator("textarea").press("Enter");
    await widgetHost(page)
      .locator(".msg.assistant[data-id] .bubble", { hasText: "You said: over plain http" })
      .waitFor({ timeout: 15_000 });
    const [{ n }] = await getDb()
      .sql`select count(*)::int as n from messages where channel_id = ${site.channel.id} and body = 'over plain http'`;
    expect(n).toBe(1);
    await page.close();
  }, 60_000);

  test("a message typed while the server restarts survives a reload and goes out once when it is back", async () => {
    const page = await context.newPage();
    await page.goto(`http://localhost:${shop.port}/`);
    await widgetHost(page).locator(".launcher").click();
    await widgetHost(page).locator("textarea").fill("before the restart");
    await widgetHost(page).locator("textarea").press("Enter");
    await widgetHost(page)
      .locator(".msg.assistant[data-id] .bubble", { hasText: "You said: before the restart" })
      .waitFor({ timeout: 10_000 });

    const port = gw.port;
    await gw.stop();
    await widgetHost(page).locator("textarea").fill("typed while down");
    await widgetHost(page).locator("textarea").press("Enter");
    await widgetHost(page)
      .locator(".msg.visitor.pending .bubble", { hasText: "typed while down" })
      .waitFor({ timeout: 5_000 });
    // A reload while xin is down: the widget script itself cannot load, but the message is in the
    // page's storage, not only in the closed page's memory.
    await page.reload();
    const pendingKey = `xin.widget.${site.brandId}.pending`;
    const kept = await page.evaluate((key) => localStorage.getItem(key), pendingKey);
    expect(JSON.parse(kept ?? "[]").map((p: { text: string }) => p.text)).toEqual(["typed while down"]);

    gw = await startLiveGateway(getDb(), gw.wake, { port });
    await page.reload();
    await widgetHost(page).locator(".launcher").click();
    await widgetHost(page)
      .locator(".msg.assistant[data-id] .bubble", { hasText: "You said: typed while down" })
      .waitFor({ timeout: 30_000 });
    const [{ n }] = await getDb()
      .sql`select count(*)::int as n from messages where channel_id = ${site.channel.id} and body = 'typed while down'`;
    expect(n).toBe(1);
    expect(await widgetHost(page).locator(".msg.visitor.pending").count()).toBe(0);
    const left = await page.evaluate((key) => localStorage.getItem(key), pendingKey);
    expect(JSON.parse(left ?? "[]")).toEqual([]);
    await page.close();
  }, 90_000);

  test("a page on an origin the channel does not allow gets no chat and writes nothing", async () => {
    const page = await context.newPage();
    const consoleLines: string[] = [];
    page.on("console", (m) => consoleLines.push(m.text()));
    await page.goto(`http://127.0.0.1:${shop.port}/`);
    await widgetHost(page).locator(".launcher").click();
    await widgetHost(page).locator("textarea").fill("let me in");
    await widgetHost(page).locator("textarea").press("Enter");
    await widgetHost(page).locator(".status", { hasText: "unavailable" }).waitFor({ timeout: 15_000 });
    const [{ n }] = await getDb()
      .sql`select count(*)::int as n from messages where channel_id = ${site.channel.id} and body = 'let me in'`;
    expect(n).toBe(0);
    // Chromium reports the refused handshake; the fallback's fetch is blocked too (no CORS for this origin).
    expect(consoleLines.some((l) => /WebSocket/.test(l) && /403/.test(l))).toBe(true);
    expect(await widgetHost(page).locator(".msg[data-id]").count()).toBe(0);
    await page.close();
  }, 60_000);
});
