// The real embed.js in headless Chromium while xin's store is unreachable (xin itself stays up): a
// message the visitor types then is answered `unavailable` on the socket (503 on the HTTP fallback),
// stays pending on the page — not marked failed — and is sent again by the widget until the store is
// back; it is stored once and answered.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { BrowserContext } from "playwright-core";
import { snippetOf } from "../../src/gateway/widget";
import { openClient } from "../../src/runtime/db";
import { launchChromium } from "../support/chromium";
import { describeStores } from "../support/db";
import {
  setupWidgetSite,
  startEchoWorkers,
  startLiveGateway,
  type LiveGateway,
  type WidgetSiteFixture,
} from "../support/widget";

describeStores("widget in Chromium, store down", (getDb) => {
  let gw: LiveGateway;
  let site: WidgetSiteFixture;
  let shop: ReturnType<typeof Bun.serve>;
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let workers: { stop(): Promise<void> };
  let storeDown = false;
  let cut: ReturnType<typeof openClient>;

  beforeAll(async () => {
    const real = getDb();
    cut = openClient(real.target, { max: 1 });
    await cut.sql.end(); // every query on it fails as one to a server that is gone does
    // The gateway's store can be switched off; the answering workers keep the real one.
    gw = await startLiveGateway({
      ...real,
      get db() {
        return storeDown ? cut.db : real.db;
      },
    } as typeof real);
    shop = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () =>
        new Response(`<!doctype html><html><body><h1>Shop</h1>${snippetOf(gw.url, site.brandId)}</body></html>`, {
          headers: { "content-type": "text/html" },
        }),
    });
    site = await setupWidgetSite(real, [`http://localhost:${shop.port}`], { title: "Acme Support" });
    workers = await startEchoWorkers(real, gw.wake);
    browser = await launchChromium();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await workers?.stop();
    shop?.stop(true);
    await gw?.stop();
  });

  // A network that kills WebSockets (some corporate proxies): the widget falls back to HTTP.
  const deadSockets = () => {
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
  };

  for (const transport of ["socket", "http"] as const) {
    test(`${transport}: a message typed while the store is unreachable stays pending, goes out once when it is back, and is answered`, async () => {
      storeDown = false;
      const page = await context.newPage();
      if (transport === "http") await page.addInitScript(deadSockets);
      await page.goto(`http://localhost:${shop.port}/`);
      const host = page.locator("#xin-chat-widget");
      const text = `typed while the store is down (${transport})`;
      await host.locator(".launcher").click();
      await host.locator("textarea").fill(`before the outage (${transport})`);
      await host.locator("textarea").press("Enter");
      await host
        .locator(".msg.assistant[data-id] .bubble", { hasText: `You said: before the outage (${transport})` })
        .waitFor({ timeout: 15_000 });

      storeDown = true;
      await host.locator("textarea").fill(text);
      await host.locator("textarea").press("Enter");
      await host.locator(".msg.visitor.pending .bubble", { hasText: text }).waitFor({ timeout: 5_000 });
      // The socket's retries are answered `unavailable`. Over HTTP the site itself cannot be loaded, so
      // the 503 carries no CORS headers and the page sees a network error (a 503 it can read — the store
      // cut off after the site loaded — is kept pending too): pending either way, retried by each sync.
      await Bun.sleep(transport === "http" ? 5000 : 2500);
      expect(await host.locator(".msg.failed").count()).toBe(0);
      expect(await host.locator(".msg.visitor.pending").count()).toBe(1);
      const sql = getDb().sql;
      const stored = async () =>
        (await sql`select count(*)::int as n from messages where channel_id = ${site.channel.id} and body = ${text}`)[0]
          .n;
      expect(await stored()).toBe(0);

      storeDown = false;
      await host
        .locator(".msg.assistant[data-id] .bubble", { hasText: `You said: ${text}` })
        .waitFor({ timeout: 15_000 });
      expect(await stored()).toBe(1);
      expect(await host.locator(".msg.visitor.pending").count()).toBe(0);
      const left = await page.evaluate((key) => localStorage.getItem(key), `xin.widget.${site.brandId}.pending`);
      expect(JSON.parse(left ?? "[]")).toEqual([]);
      await page.close();
    }, 60_000);
  }
});
