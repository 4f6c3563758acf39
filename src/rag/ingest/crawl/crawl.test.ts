import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EgressGuard } from "../../../runtime/net";
import { crawl, type CrawlEvent, type CrawlOptions } from "./crawl";

const pdf = readFileSync(join(import.meta.dir, "../../../../test/fixtures/knowledge/warranty.pdf"));
const html = (body: string, head = "") =>
  new Response(`<html><head>${head}</head><body>${body}</body></html>`, {
    headers: { "content-type": "text/html; charset=utf-8" },
  });
const requested: string[] = [];

// A small shop site on loopback; every request is recorded so tests can assert what was fetched.
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req): Response {
    const { pathname, origin } = new URL(req.url);
    requested.push(pathname);
    switch (pathname) {
      case "/robots.txt":
        return new Response(`User-agent: *\nDisallow: /private\nSitemap: ${origin}/sitemap.xml\n`);
      case "/sitemap.xml":
        return new Response(
          `<urlset><url><loc>${origin}/from-sitemap</loc></url><url><loc>https://elsewhere.test/x</loc></url></urlset>`,
        );
      case "/":
        return html(`<a href="/a">A</a><a href="/private/secret">secret</a><a href="/logo.png">logo</a><a href="/missing">gone</a>
          <a href="https://elsewhere.test/">external</a><a href="/deep1">deep</a><a href="/manual.pdf">manual</a>
          <a href="/moved">moved</a><a href="/offsite">offsite</a><a href="/hidden">hidden</a><a href="/big">big</a>`);
      case "/a":
        return html(`<p>Page A</p><a href="/">home</a>`);
      case "/from-sitemap":
        return html("<p>Only in the sitemap</p>");
      case "/deep1":
        return html('<a href="/deep2">next</a>');
      case "/deep2":
        return html('<a href="/deep3">next</a>');
      case "/deep3":
        return html("<p>too deep</p>");
      case "/manual.pdf":
        return new Response(pdf, { headers: { "content-type": "application/pdf" } });
      case "/logo.png":
        return new Response(new Uint8Array([137, 80, 78, 71]), { headers: { "content-type": "image/png" } });
      case "/moved":
        return new Response(null, { status: 301, headers: { location: "/a-new-home" } });
      case "/a-new-home":
        return html("<p>Moved here</p>");
      case "/offsite":
        return new Response(null, { status: 302, headers: { location: "https://elsewhere.test/landing" } });
      case "/hidden":
        return html('<a href="/behind-hidden">more</a>', '<meta name="robots" content="noindex">');
      case "/behind-hidden":
        return html("<p>Reached through a noindex page</p>");
      case "/big":
        return html(`<p>${"x".repeat(5000)}</p>`);
      default:
        return new Response("not found", { status: 404 });
    }
  },
});
afterAll(() => server.stop(true));

const base = () => `http://127.0.0.1:${server.port}`;
// The site is on loopback: this test allows it the way an operator would (egress.allow_cidrs).
const local = new EgressGuard({ allowCidrs: ["127.0.0.1/32"] }).fetch;
const collect = async (start: string, options: CrawlOptions = {}) => {
  const events: CrawlEvent[] = [];
  for await (const event of crawl(start, { maxBytes: 4096, fetch: local, ...options })) events.push(event);
  return events;
};
const summary = (events: CrawlEvent[]) =>
  Object.fromEntries(
    events.map((e) => [new URL(e.url).pathname, e.kind === "page" ? `${e.format}@${e.depth}` : e.reason]),
  );

describe("crawl", () => {
  test("follows robots.txt, the sitemap, same-origin links and in-origin redirects, within depth", async () => {
    requested.length = 0;
    const events = await collect(`${base()}/`, { maxDepth: 2 });
    expect(summary(events)).toEqual({
      "/": "html@0",
      "/from-sitemap": "html@0",
      "/a": "html@1",
      "/private/secret": "disallowed by robots.txt",
      "/logo.png": "unsupported content type image/png",
      "/missing": "HTTP 404",
      "/deep1": "html@1",
      "/manual.pdf": "pdf@1",
      "/a-new-home": "html@1",
      "/offsite": "redirects off-site",
      "/hidden": "page asks not to be indexed (meta robots noindex)",
      "/big": "larger than 4096 bytes",
      "/deep2": "html@2",
      "/behind-hidden": "html@2",
    });
    // Never asked for: the disallowed page, anything off-site, and links beyond maxDepth.
    expect(requested).not.toContain("/private/secret");
    expect(requested).not.toContain("/deep3");
    const manual = events.find((e) => e.kind === "page" && e.format === "pdf");
    expect(manual?.kind === "page" && manual.bytes.byteLength).toBe(pdf.byteLength);
  });

  test("stops at maxPages", async () => {
    const events = await collect(`${base()}/`, { maxPages: 2 });
    expect(events.filter((e) => e.kind === "page")).toHaveLength(2);
  });

  test("a robots.txt that cannot be fetched means nothing is crawled", async () => {
    const failing = async (url: string, init: RequestInit) =>
      url.endsWith("/robots.txt") ? new Response("down", { status: 503 }) : local(url, init);
    const events = await collect(`${base()}/`, { fetch: failing });
    expect(events).toEqual([
      {
        kind: "skipped",
        url: `${base()}/robots.txt`,
        reason: "robots.txt unreachable (HTTP 503): nothing crawled, as RFC 9309 requires",
      },
    ]);
  });

  test("without an allowed range the loopback site is refused by the egress guard, nothing requested", async () => {
    requested.length = 0;
    const events = await crawl(`${base()}/`, {}).next();
    expect(events.value).toMatchObject({ kind: "skipped", url: `${base()}/`, code: "egress.blocked" });
    expect((events.value as { reason: string }).reason).toContain("loopback");
    expect(requested).toEqual([]);
  });

  test("rejects a start that is not an http(s) URL", async () => {
    await expect(collect("file:///etc/passwd")).rejects.toThrow("not an http(s) URL");
    await expect(collect("shop.test/faq")).rejects.toThrow("not an http(s) URL");
  });
});
