// Live drafts in real headless Chromium: the visitor asks, the real respond step streams the (faked,
// slow) model's answer through the guardrails, the hub and the socket into the widget. The reply grows
// in one bubble that the stored reply then replaces; a draft whose second sentence leaks personal data
// shows its first sentence, which then disappears for the holding message — the leak never reaches the page.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import { snippetOf } from "../../src/gateway/widget";
import { DEFAULT_HOLDING_MESSAGE } from "../../src/orchestrator";
import { pipelineDeps, SHOP_DOCS } from "../../src/orchestrator/test-kit";
import { analyzerFor, MemoryBackend } from "../../src/rag";
import { ingestDocs } from "../support/answering";
import { launchChromium } from "../support/chromium";
import { describeStores } from "../support/db";
import { startOpenAIFake, type OpenAIFake } from "../support/fakes/openai";
import {
  setupWidgetSite,
  startAnsweringWorkers,
  startLiveGateway,
  type LiveGateway,
  type WidgetSiteFixture,
} from "../support/widget";

const page = (snippet: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Wool &amp; Co</h1>${snippet}</body></html>`;

type Snapshot = { streams: number; text: string | null };

/** Records, on every change of the chat log, how many streamed bubbles it holds and the first one's text. */
const watchStreams = (p: Page) =>
  p.evaluate(() => {
    const log = document.querySelector("#xin-chat-widget")?.shadowRoot?.querySelector(".log");
    if (!log) throw new Error("no chat log");
    const seen: { streams: number; text: string | null }[] = [];
    (window as unknown as { xinSeen: typeof seen }).xinSeen = seen;
    new MutationObserver(() => {
      const streams = log.querySelectorAll("[data-stream]");
      seen.push({ streams: streams.length, text: streams[0]?.textContent ?? null });
    }).observe(log, { childList: true, subtree: true, characterData: true });
  });
const snapshots = (p: Page): Promise<Snapshot[]> =>
  p.evaluate(() => (window as unknown as { xinSeen: { streams: number; text: string | null }[] }).xinSeen);

describeStores("live drafts in Chromium", (getDb) => {
  let gw: LiveGateway;
  let site: WidgetSiteFixture;
  let shop: ReturnType<typeof Bun.serve>;
  let context: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let workers: { stop(): Promise<void> };
  let llm: OpenAIFake;

  beforeAll(async () => {
    gw = await startLiveGateway(getDb());
    shop = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response(page(snippetOf(gw.url, site.brandId)), { headers: { "content-type": "text/html" } }),
    });
    site = await setupWidgetSite(getDb(), [`http://localhost:${shop.port}`], { title: "Wool & Co" });
    const knowledge = await ingestDocs(getDb(), { tenant_id: site.tenantId, brand_id: site.brandId }, SHOP_DOCS);
    llm = startOpenAIFake();
    const pipeline = {
      ...pipelineDeps(new MemoryBackend(() => analyzerFor("en")), llm.baseUrl, 1),
      search: knowledge.search.bind(knowledge),
    };
    workers = await startAnsweringWorkers(getDb(), gw.wake, pipeline);
    browser = await launchChromium();
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await workers?.stop();
    llm?.stop();
    shop?.stop(true);
    await gw?.stop();
  });

  const ask = async (text: string) => {
    const p = await context.newPage();
    await p.goto(`http://localhost:${shop.port}/`);
    const widget = p.locator("#xin-chat-widget");
    await widget.locator(".launcher").click();
    await watchStreams(p);
    await widget.locator("textarea").fill(text);
    await widget.locator("textarea").press("Enter");
    return { p, widget };
  };

  test("the reply grows sentence by sentence in one bubble, then the stored reply takes its place", async () => {
    llm.scriptChat({
      reply:
        "Shipping to Austria takes 4 to 6 working days [1]. Orders within Germany arrive in 2 to 3 working days [1]. Shipping is free for orders over 50 euros [1].",
      chunkDelayMs: 40,
    });
    const { p, widget } = await ask("How long does shipping to Austria take?");
    const full =
      "Shipping to Austria takes 4 to 6 working days. Orders within Germany arrive in 2 to 3 working days. Shipping is free for orders over 50 euros.";
    await widget
      .locator(".msg.assistant[data-id] .bubble", { hasText: "free for orders over 50 euros." })
      .waitFor({ timeout: 15_000 });
    const seen = (await snapshots(p)).filter((s) => s.streams > 0);
    // Never two bubbles for one reply, and each state extends the one before.
    expect(seen.every((s) => s.streams === 1)).toBe(true);
    const texts = [...new Set(seen.map((s) => s.text ?? ""))];
    expect(texts.slice(0, 2)).toEqual([
      "Shipping to Austria takes 4 to 6 working days.",
      "Shipping to Austria takes 4 to 6 working days. Orders within Germany arrive in 2 to 3 working days.",
    ]);
    for (let i = 1; i < texts.length; i++) expect(texts[i].startsWith(texts[i - 1])).toBe(true);
    expect(await widget.locator("[data-stream]").count()).toBe(0);
    expect(await widget.locator(".msg.assistant[data-id] .bubble").allTextContents()).toEqual([full]);
    await p.close();
  }, 60_000);

  test("a draft whose next sentence leaks personal data: its first sentence shows, then leaves for the holding message", async () => {
    llm.scriptChat({
      reply: "Shipping to Austria takes 4 to 6 working days [1]. For details call Anna on +49 170 9876543 today. Bye!",
      chunkDelayMs: 40,
    });
    const { p, widget } = await ask("And how long to Austria again?");
    await widget
      .locator(".msg.assistant[data-id] .bubble", { hasText: DEFAULT_HOLDING_MESSAGE })
      .waitFor({ timeout: 15_000 });
    const seen = await snapshots(p);
    expect(seen.some((s) => s.text === "Shipping to Austria takes 4 to 6 working days.")).toBe(true);
    expect(seen.some((s) => /Anna|9876543/.test(s.text ?? ""))).toBe(false);
    expect(await widget.locator("[data-stream]").count()).toBe(0);
    expect(await widget.locator(".log").textContent()).not.toMatch(/Anna|9876543/);
    const [esc] = await getDb()
      .sql`select reason from escalations e join conversations c on c.id = e.conversation_id where c.channel_id = ${site.channel.id}`;
    expect(esc.reason).toBe("pii_in_answer");
    await p.close();
  }, 60_000);
});
