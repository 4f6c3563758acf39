import { describe, expect, test } from "bun:test";
import { extractLinks, normalizeUrl, parseSitemap } from "./links";

describe("extractLinks", () => {
  test("absolute, de-duplicated, no fragments, no nofollow, no mailto", () => {
    const html = `<a href="/a">A</a><a href="b?x=1#top">B</a><a href="/a#again">A2</a>
      <a href="mailto:x@y.z">mail</a><a rel="nofollow" href="/paid">ad</a><a href="https://other.test/">ext</a>`;
    expect(extractLinks(html, "https://shop.test/dir/page").links).toEqual([
      "https://shop.test/a",
      "https://shop.test/dir/b?x=1",
      "https://other.test/",
    ]);
  });

  test("honours <base href> and meta robots", () => {
    const page = extractLinks(
      '<head><base href="https://shop.test/docs/"><meta name="robots" content="noindex, nofollow"></head><a href="x">x</a>',
      "https://shop.test/",
    );
    expect(page).toEqual({ links: ["https://shop.test/docs/x"], noindex: true, nofollow: true });
    expect(extractLinks("<p>no links</p>", "https://shop.test/")).toEqual({
      links: [],
      noindex: false,
      nofollow: false,
    });
  });

  test("normalizeUrl rejects junk", () => {
    expect(normalizeUrl("javascript:alert(1)", "https://a.test/")).toBeUndefined();
    expect(normalizeUrl("http://[bad", "https://a.test/")).toBeUndefined();
  });
});

test("parseSitemap reads pages and nested sitemaps", () => {
  const xml = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc> https://shop.test/faq </loc></url><url><loc>https://shop.test/care</loc><lastmod>2026-01-01</lastmod></url></urlset>`;
  expect(parseSitemap(xml)).toEqual({ pages: ["https://shop.test/faq", "https://shop.test/care"], sitemaps: [] });
  const index = `<sitemapindex><sitemap><loc>https://shop.test/s1.xml</loc></sitemap></sitemapindex>`;
  expect(parseSitemap(index)).toEqual({ pages: [], sitemaps: ["https://shop.test/s1.xml"] });
});
