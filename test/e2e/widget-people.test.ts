// The widget as shop owners know it from Intercom, Crisp or Chatwoot, in real headless Chromium: a
// person who takes a conversation over is named in the header and on their replies; the launcher
// counts replies that came while the panel was closed; outside business hours the header and a note
// say so and keep the e-mail a visitor leaves; images and PDFs go both ways within the widget's limits.
// One gateway, one browser. Screenshots: /tmp/widget3-*.png.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import type { BrowserContext, Page } from "playwright-core";
import { snippetOf } from "../../src/gateway/widget";
import { openEscalation } from "../../src/inbox";
import { transaction, type Db } from "../../src/runtime/db";
import { issueToken } from "../../src/tenancy";
import { launchChromium } from "../support/chromium";
import { createTestDb, type TestDb } from "../support/db";
import { INSTANCE_KEY } from "../support/gateway";
import {
  setupWidgetSite,
  startEchoWorkers,
  startLiveGateway,
  type LiveGateway,
  type WidgetSiteFixture,
} from "../support/widget";

// A 120×80 orange PNG (the visitor's photo) and a 96×64 blue one (the agent's link).
const VISITOR_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAHgAAABQCAIAAABd+SbeAAAAg0lEQVR42u3QMQ0AAAgDsAlAIP5PVOCCcDSpgma6OBAFokUjWrRoC6JFI1q0aAuiRSNatGhEi0a0aNGIFo1o0aIRLRrRokUjWjSiRYtGtGhEixaNaNGIFi0a0aIRLVo0okUjWrRoRItGtGjRiBaNaNGiES0a0aJFI1o0okWLRrRoRP+x/Pbv0VElslcAAAAASUVORK5CYII=",
  "base64",
);
const AGENT_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAGAAAABACAIAAABqVuVZAAAAaUlEQVR42u3QMQ0AAAgDsJlBGfIxgQNujiZV0FQPhygQJEiQIEGCBAlCkCBBggQJEiQIQYIECRIkSJAgBAkSJEiQIEGCBCFIkCBBggQJEoQgQYIECRIkSBCCBAkSJEiQIEGCECRIkKB/FlqQyf/xvHIBAAAAAElFTkSuQmCC",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

const shopPage = (title: string, snippet: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;background:#f1f5f9"><h1>${title}</h1>${snippet}</body></html>`;

const w = (page: Page) => page.locator("#xin-chat-widget");

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

describe("the widget with people, hours and files", () => {
  let db: TestDb & { dispose(): Promise<void> };
  let gw: LiveGateway;
  let shop: ReturnType<typeof Bun.serve>;
  let site: WidgetSiteFixture;
  let awaySite: WidgetSiteFixture;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;
  let workers: { stop(): Promise<void> };
  let agent: Api;
  let shopOrigin = "";

  const apiAs =
    (token: string): Api =>
    async (method, path, body) => {
      const res = await fetch(`${gw.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };

  /** A fresh visitor on a shop page, panel open. */
  const visit = async (path = "/"): Promise<Page> => {
    const page = await context.newPage();
    // Pages share the browser's storage: a new tab starts as a new visitor (cleared once, before the
    // widget runs; its reloads keep what it stored, as a visitor's would).
    await page.addInitScript(() => {
      if (!sessionStorage.getItem("fresh")) {
        localStorage.clear();
        sessionStorage.setItem("fresh", "1");
      }
    });
    await page.goto(`${shopOrigin}${path}`);
    await w(page).locator(".launcher").click();
    return page;
  };
  const say = async (page: Page, text: string) => {
    await w(page).locator("textarea").fill(text);
    await w(page).locator("textarea").press("Enter");
    await w(page)
      .locator(".msg.assistant[data-id] .bubble", { hasText: `You said: ${text}` })
      .waitFor({ timeout: 10_000 });
  };
  const conversationOf = async (page: Page, s: WidgetSiteFixture): Promise<{ id: string; visitor: string }> => {
    const token = await page.evaluate((key) => localStorage.getItem(key), `xin.widget.${s.brandId}`);
    const visitor = String(token).split(".")[0];
    const [row] =
      await db.sql`select c.id from conversations c join contacts ct on ct.id = c.contact_id where ct.channel_id = ${s.channel.id} and ct.external_id = ${visitor}`;
    return { id: row.id, visitor };
  };
  const escalate = async (conversationId: string, tenantId: string) =>
    (
      await transaction(db.db as Db, ({ tx }) =>
        openEscalation(tx, {
          tenant_id: tenantId,
          conversation_id: conversationId,
          reason: "customer_asked_for_human",
          pauseBot: true,
          answers: "all_pending",
        }),
      )
    ).id;

  beforeAll(async () => {
    db = await createTestDb("embedded");
    gw = await startLiveGateway(db);
    shop = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) => {
        const path = new URL(req.url).pathname;
        if (path === "/replacement.png") return new Response(AGENT_PNG, { headers: { "content-type": "image/png" } });
        const s = path === "/away" ? awaySite : site;
        return new Response(shopPage(s === site ? "Acme Shoes" : "Night Owl Books", snippetOf(gw.url, s.brandId)), {
          headers: { "content-type": "text/html" },
        });
      },
    });
    shopOrigin = `http://localhost:${shop.port}`;
    site = await setupWidgetSite(db, [shopOrigin], {
      title: "Acme Support",
      subtitle: "Typically replies in a minute",
      color: "#0f766e",
    });
    // No opening hours on any day: always away, whatever the clock of the machine running the test.
    awaySite = await setupWidgetSite(db, [shopOrigin], {
      title: "Night Owl Books",
      color: "#7c3aed",
      business_hours: { timezone: "Europe/Berlin", days: {} },
    });
    workers = await startEchoWorkers(db, gw.wake);
    const issued = await transaction(db.db as Db, ({ tx }) =>
      issueToken(tx, INSTANCE_KEY, { role: "agent", tenant_id: site.tenantId, name: "Sam Rivera" }, "test"),
    );
    agent = apiAs(issued.token);
    browser = await launchChromium();
    context = browser.context;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await workers?.stop();
    shop?.stop(true);
    await gw?.stop();
    await db?.dispose();
  }, 60_000);

  test("a person who takes over is named in the header and on their replies; the launcher counts replies that came while closed", async () => {
    const page = await visit();
    const subtitle = w(page).locator(".subtitle");
    expect(await subtitle.textContent()).toBe("Typically replies in a minute");
    await say(page, "I need a person, my order never came");
    const conv = await conversationOf(page, site);
    const esc = await escalate(conv.id, site.tenantId);

    expect((await agent("POST", `/api/v1/escalations/${esc}/take-over`)).status).toBe(200);
    await subtitle.filter({ hasText: "Sam Rivera (a person) is answering you" }).waitFor({ timeout: 10_000 });
    expect(await w(page).locator(".avatar.live").textContent()).toBe("SR");

    // The panel is closed when the person answers: the launcher shows one unread reply.
    await page.keyboard.press("Escape");
    const reply = await agent("POST", `/api/v1/escalations/${esc}/reply`, {
      text: "Hi, Sam here. I am looking at order #1042 now.",
    });
    expect(reply.status).toBe(200);
    const badge = w(page).locator(".launcher .badge");
    await badge.filter({ hasText: "1" }).waitFor({ state: "visible", timeout: 10_000 });
    expect(await w(page).locator(".launcher").getAttribute("aria-label")).toBe(
      "Open chat: Acme Support (1 new messages)",
    );
    await page.screenshot({ path: "/tmp/widget3-badge.png" });

    // Still unread after a reload (seen is kept per browser), gone once the panel is opened.
    await page.reload();
    await badge.filter({ hasText: "1" }).waitFor({ state: "visible", timeout: 10_000 });
    await w(page).locator(".launcher").click();
    expect(await badge.isVisible()).toBe(false);
    const agentMsg = w(page).locator(".msg.assistant.agent[data-id]");
    await agentMsg.waitFor({ timeout: 10_000 });
    expect(await agentMsg.locator(".who").textContent()).toBe("SRSam Rivera· Team");
    expect(await agentMsg.locator(".bubble").textContent()).toBe("Hi, Sam here. I am looking at order #1042 now.");
    // The assistant's replies carry no name: only a person's do.
    expect(await w(page).locator(".msg.assistant:not(.agent) .who").count()).toBe(0);
    await subtitle.filter({ hasText: "Sam Rivera (a person) is answering you" }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: "/tmp/widget3-agent.png" });
    const [stored] =
      await db.sql`select metadata->>'agent_name' as name, metadata->>'author' as author from messages where conversation_id = ${conv.id} and direction = 'out' and metadata->>'author' = 'human'`;
    expect(stored).toEqual({ name: "Sam Rivera", author: "human" });

    // Handed back: the header is the brand's again.
    expect((await agent("POST", `/api/v1/escalations/${esc}/hand-back`)).status).toBe(200);
    await subtitle.filter({ hasText: "Typically replies in a minute" }).waitFor({ timeout: 10_000 });
    expect(await w(page).locator(".avatar.live").count()).toBe(0);
    await page.close();
  }, 60_000);

  test("after a hand-over and before anyone takes it, the header says a person will answer, not 'right away'", async () => {
    const page = await visit();
    await say(page, "Can a human check my refund?");
    const conv = await conversationOf(page, site);
    await escalate(conv.id, site.tenantId);
    await page.reload();
    await w(page).locator(".launcher").click();
    await w(page)
      .locator(".subtitle", { hasText: "A person will answer soon; replies can take a few minutes" })
      .waitFor({ timeout: 10_000 });
    await page.close();
  }, 60_000);

  test("a visitor attaches an image and a PDF; agents see and download them; an agent's image link shows in the widget", async () => {
    const page = await visit();
    await say(page, "My shoes arrived torn");
    await w(page).locator("textarea").fill("this is how they arrived");
    await w(page)
      .locator('input[type="file"]')
      .setInputFiles({ name: "torn-shoe.png", mimeType: "image/png", buffer: VISITOR_PNG });
    const img = w(page).locator(".msg.visitor[data-id] img.file-img");
    await img.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => {
      const i = document
        .querySelector("#xin-chat-widget")
        ?.shadowRoot?.querySelector(".msg.visitor[data-id] img.file-img") as HTMLImageElement | null;
      return i !== null && i.complete && i.naturalWidth === 120;
    });
    await w(page)
      .locator('input[type="file"]')
      .setInputFiles({ name: "receipt.pdf", mimeType: "application/pdf", buffer: PDF });
    await w(page)
      .locator(".msg.visitor[data-id] .file .fname", { hasText: "receipt.pdf" })
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: "/tmp/widget3-upload.png" });

    const conv = await conversationOf(page, site);
    const sha = createHash("sha256").update(VISITOR_PNG).digest("hex");
    const rows =
      await db.sql`select kind, body, awaits_turn, attachments from messages where conversation_id = ${conv.id} and direction = 'in' and kind = 'media' order by created_at`;
    expect(rows.map((r) => [r.kind, r.body, r.awaits_turn])).toEqual([
      ["media", "this is how they arrived", true],
      ["media", null, true],
    ]);
    expect(rows[0].attachments[0]).toMatchObject({
      mediaType: "image",
      mimeType: "image/png",
      filename: "torn-shoe.png",
      sizeBytes: VISITOR_PNG.length,
      blob: { sha256: sha },
    });
    expect(rows[1].attachments[0]).toMatchObject({
      mediaType: "document",
      mimeType: "application/pdf",
      filename: "receipt.pdf",
    });
    const [blob] = await db.sql`select bytes from upload_blobs where tenant_id = ${site.tenantId} and sha256 = ${sha}`;
    expect(Buffer.from(blob.bytes).equals(VISITOR_PNG)).toBe(true);

    // Agents see the files in the transcript and download the bytes.
    const transcript = await agent("GET", `/api/v1/conversations/${conv.id}/messages`);
    const files = (
      transcript.body.data as { files: { sha256: string | null; name: string | null; mime_type: string | null }[] }[]
    ).flatMap((m) => m.files);
    expect(files).toContainEqual(
      expect.objectContaining({ sha256: sha, name: "torn-shoe.png", mime_type: "image/png" }),
    );
    const download = await fetch(`${gw.url}/api/v1/conversations/${conv.id}/files/${sha}`, {
      headers: { authorization: await agentHeader() },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await download.arrayBuffer()).equals(VISITOR_PNG)).toBe(true);

    // The agent answers with a picture by link: it shows in the widget under their name.
    const esc = await escalate(conv.id, site.tenantId);
    const sent = await agent("POST", `/api/v1/escalations/${esc}/reply`, {
      text: "Sorry about that! This pair is on its way:",
      attachments: [{ url: `${shopOrigin}/replacement.png`, media_type: "image", filename: "replacement.png" }],
    });
    expect(sent.status).toBe(200);
    expect((sent.body.message_ids as string[]).length).toBe(2);
    const agentImg = w(page).locator(".msg.assistant.agent[data-id] img.file-img");
    await agentImg.waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => {
      const i = document
        .querySelector("#xin-chat-widget")
        ?.shadowRoot?.querySelector(".msg.assistant.agent img.file-img") as HTMLImageElement | null;
      return i !== null && i.complete && i.naturalWidth === 96;
    });
    expect(await agentImg.getAttribute("alt")).toBe("replacement.png");
    await page.screenshot({ path: "/tmp/widget3-files.png" });

    // What the widget refuses, it says: a program renamed .png (checked on the bytes, not the name).
    await w(page)
      .locator('input[type="file"]')
      .setInputFiles({ name: "invoice.png", mimeType: "image/png", buffer: Buffer.from("MZ\x90\x00 not a picture") });
    await w(page)
      .locator(".status", { hasText: "only images (PNG, JPEG, GIF, WebP) and PDF files can be sent" })
      .waitFor({ timeout: 10_000 });
    expect(await w(page).locator(".msg.visitor.failed").count()).toBe(1);
    await page.screenshot({ path: "/tmp/widget3-refused.png" });
    await page.close();
  }, 60_000);

  test("uploads are checked on the server: size, type, the visitor's own files only, a hash that was never uploaded", async () => {
    const token = (
      await (
        await fetch(`${gw.url}/widget/sync?brand=${site.brandId}`, {
          method: "POST",
          headers: { origin: shopOrigin, "content-type": "text/plain" },
          body: "{}",
        })
      ).json()
    ).visitor_token as string;
    const upload = async (bytes: Uint8Array, name: string, t = token) => {
      const form = new FormData();
      form.append("token", t);
      form.append("file", new Blob([new Uint8Array(bytes)]), name);
      const res = await fetch(`${gw.url}/widget/upload?brand=${site.brandId}`, {
        method: "POST",
        headers: { origin: shopOrigin },
        body: form,
      });
      return {
        status: res.status,
        body: (await res.json()) as {
          file?: { sha256: string; mime_type: string; name: string };
          error?: { code: string; message: string };
        },
      };
    };
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(VISITOR_PNG.subarray(0, 8));
    expect(await upload(big, "huge.png")).toMatchObject({ status: 413 });
    const exe = await upload(new TextEncoder().encode("MZ not an image"), "x.png");
    expect(exe).toMatchObject({
      status: 415,
      body: {
        error: { code: "widget.file_refused", message: "only images (PNG, JPEG, GIF, WebP) and PDF files can be sent" },
      },
    });
    expect((await upload(VISITOR_PNG, "x.png", "v_forged.token")).status).toBe(401);
    const ok = await upload(VISITOR_PNG, "../../etc/passwd.png");
    expect(ok).toMatchObject({ status: 200, body: { file: { mime_type: "image/png", name: "passwd.png" } } });
    // The photo another visitor sent is stored, but not this visitor's to read.
    const read = await fetch(`${gw.url}/widget/file?brand=${site.brandId}`, {
      method: "POST",
      headers: { origin: shopOrigin, "content-type": "text/plain" },
      body: JSON.stringify({ token, sha256: ok.body.file?.sha256 }),
    });
    expect(read.status).toBe(404);
    const send = await fetch(`${gw.url}/widget/send?brand=${site.brandId}`, {
      method: "POST",
      headers: { origin: shopOrigin, "content-type": "text/plain" },
      body: JSON.stringify({
        token,
        type: "send",
        id: "never-uploaded-1",
        file: { sha256: "0".repeat(64), name: "x.png" },
      }),
    });
    expect(send.status).toBe(400);
    expect(((await send.json()) as { error: { code: string } }).error.code).toBe("file_refused");
    const [{ n }] =
      await db.sql`select count(*)::int as n from messages where provider_message_id like ${"%:never-uploaded-1"}`;
    expect(n).toBe(0);
    // The e-mail field: a malformed address is refused with what to type; before any message there is no contact to keep it on.
    const email = async (value: string) => {
      const res = await fetch(`${gw.url}/widget/email?brand=${site.brandId}`, {
        method: "POST",
        headers: { origin: shopOrigin, "content-type": "text/plain" },
        body: JSON.stringify({ token, email: value }),
      });
      return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
    };
    expect(await email("kim at example")).toMatchObject({
      status: 400,
      body: {
        error: { code: "email_invalid", message: "that does not look like an e-mail address (name@example.com)" },
      },
    });
    expect(await email("kim@example.com")).toMatchObject({ status: 409, body: { error: { code: "email_invalid" } } });
  }, 30_000);

  test("outside business hours the header and a note say so; an e-mail typed before the first message is kept on the contact", async () => {
    const page = await visit("/away");
    await w(page).locator(".subtitle", { hasText: "We are away right now." }).waitFor({ timeout: 10_000 });
    const card = w(page).locator(".away");
    await card.locator('input[type="email"]').waitFor();
    await page.screenshot({ path: "/tmp/widget3-away-form.png" });
    expect(await card.locator("p").first().textContent()).toBe(
      "We are away right now. The assistant can still help, and a person will answer when we are back.",
    );
    await card.locator('input[type="email"]').fill("kim@example.com");
    await card.locator("button").click();
    await say(page, "Do you have the new Murakami?");
    await card.locator(".done", { hasText: "Thanks, we will write to kim@example.com." }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: "/tmp/widget3-away.png" });
    const conv = await conversationOf(page, awaySite);
    const [contact] =
      await db.sql`select ct.profile from contacts ct join conversations c on c.contact_id = ct.id where c.id = ${conv.id}`;
    expect(contact.profile.email).toBe("kim@example.com");
    // After a reload the e-mail is not asked again.
    await page.reload();
    await w(page).locator(".launcher").click();
    await card.locator(".done").waitFor({ timeout: 10_000 });
    expect(await card.locator('input[type="email"]').count()).toBe(0);
    await page.close();
  }, 60_000);

  test("business hours are checked when a brand is saved, every mistake named", async () => {
    const issued = await transaction(db.db as Db, ({ tx }) =>
      issueToken(tx, INSTANCE_KEY, { role: "admin", tenant_id: awaySite.tenantId, name: "owner" }, "test"),
    );
    const admin = apiAs(issued.token);
    const patch = (business_hours: unknown) =>
      admin("PATCH", `/api/v1/brands/${awaySite.brandId}`, { widget: { title: "Night Owl Books", business_hours } });
    const bad = await patch({ timezone: "Mars/Olympus", days: { monday: ["9-5"] } });
    expect(bad.status).toBe(400);
    const text = JSON.stringify(bad.body);
    expect(text).toContain("business_hours");
    expect(text).toContain("IANA time zone");
    const reversed = JSON.stringify((await patch({ timezone: "Europe/Berlin", days: { mon: ["17:00-09:00"] } })).body);
    expect(reversed).toContain("the range must end after it starts");
    const good = await patch({ timezone: "Europe/Berlin", days: { mon: ["09:00-17:00"] } });
    expect(good.status).toBe(200);
    // Nothing half-written by the refused ones: the stored hours are the good ones.
    const [row] = await db.sql`select widget from brands where id = ${awaySite.brandId}`;
    expect(row.widget.business_hours).toEqual({
      timezone: "Europe/Berlin",
      days: { mon: ["09:00-17:00"] },
      ask_email: true,
    });
  }, 30_000);

  const agentHeader = async () => {
    const issued = await transaction(db.db as Db, ({ tx }) =>
      issueToken(tx, INSTANCE_KEY, { role: "agent", tenant_id: site.tenantId, name: "Lee" }, "test"),
    );
    return `Bearer ${issued.token}`;
  };
});
