import { DomUtils, parseDocument } from "htmlparser2";

/**
 * What a crawler needs from a fetched page besides its text: the links to follow, and the page's
 * own robots directives (`<meta name="robots" content="noindex, nofollow">`). Sitemap XML is read
 * with the same forgiving parser: `<loc>` of `<url>` entries are pages, of `<sitemap>` entries
 * are nested sitemaps.
 */
export type PageLinks = { links: string[]; noindex: boolean; nofollow: boolean };

/** Absolute http(s) URLs of `<a href>` (not rel=nofollow), with fragments removed, in page order. */
export const extractLinks = (html: string, baseUrl: string): PageLinks => {
  const doc = parseDocument(html, { decodeEntities: true });
  const meta = DomUtils.findAll(
    (el) => el.name === "meta" && (el.attribs.name ?? "").toLowerCase() === "robots",
    doc.children,
  );
  const directives = meta.map((m) => (m.attribs.content ?? "").toLowerCase()).join(",");
  const baseEl = DomUtils.findOne((el) => el.name === "base" && el.attribs.href !== undefined, doc.children);
  let base = baseUrl;
  try {
    if (baseEl) base = new URL(baseEl.attribs.href, baseUrl).href;
  } catch {
    // An unparsable <base href> is ignored, as browsers do.
  }
  const links: string[] = [];
  for (const a of DomUtils.findAll((el) => el.name === "a" && el.attribs.href !== undefined, doc.children)) {
    if (/\bnofollow\b/i.test(a.attribs.rel ?? "")) continue;
    const url = normalizeUrl(a.attribs.href, base);
    if (url !== undefined && !links.includes(url)) links.push(url);
  }
  return { links, noindex: /\b(noindex|none)\b/.test(directives), nofollow: /\b(nofollow|none)\b/.test(directives) };
};

/** Resolves `href` against `base`; http(s) only, fragment dropped; undefined when unusable. */
export const normalizeUrl = (href: string, base: string): string | undefined => {
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
};

/** `<loc>` values of a sitemap or sitemap index. */
export const parseSitemap = (xml: string): { pages: string[]; sitemaps: string[] } => {
  const doc = parseDocument(xml, { xmlMode: true });
  const locs = (parent: string) =>
    DomUtils.findAll((el) => el.name.toLowerCase() === parent, doc.children).flatMap((entry) => {
      const loc = DomUtils.findOne((el) => el.name.toLowerCase() === "loc", entry.children);
      const text = loc ? DomUtils.textContent(loc).trim() : "";
      return text === "" ? [] : [text];
    });
  return { pages: locs("url"), sitemaps: locs("sitemap") };
};
