import { describe, expect, test } from "bun:test";
import { parseRobots } from "./robots";

const robots = `
# comments are ignored
User-agent: *
Disallow: /private
Allow: /private/faq
Disallow: /*.json$
Crawl-delay: 1

User-agent: xin
User-agent: otherbot
Disallow: /drafts/

Sitemap: https://shop.test/sitemap.xml
`;

describe("parseRobots", () => {
  test("a group naming our token replaces the * group", () => {
    const rules = parseRobots(robots, "xin");
    expect(rules.isAllowed("/drafts/new")).toBe(false);
    expect(rules.isAllowed("/private/x")).toBe(true);
    expect(rules.crawlDelaySeconds).toBeUndefined();
    expect(rules.sitemaps).toEqual(["https://shop.test/sitemap.xml"]);
  });

  test("longest match wins, allow wins ties, * and $ wildcards", () => {
    const rules = parseRobots(robots, "somebot");
    expect(rules.isAllowed("/private/orders")).toBe(false);
    expect(rules.isAllowed("/private/faq/returns")).toBe(true);
    expect(rules.isAllowed("/data/export.json")).toBe(false);
    expect(rules.isAllowed("/data/export.json?x=1")).toBe(true);
    expect(rules.isAllowed("/")).toBe(true);
    expect(rules.crawlDelaySeconds).toBe(1);
    expect(parseRobots("User-agent: *\nDisallow: /a\nAllow: /a\n", "x").isAllowed("/a")).toBe(true);
  });

  test("empty or missing rules allow everything; empty Disallow means allow", () => {
    expect(parseRobots("", "xin").isAllowed("/anything")).toBe(true);
    expect(parseRobots("User-agent: *\nDisallow:\n", "xin").isAllowed("/x")).toBe(true);
  });
});
