import { XinError } from "../../../runtime";
import { EgressGuard, isEgressBlocked } from "../../../runtime/net";
import { formatFromContentType } from "../parse-file";
import type { SourceFormat } from "../types";
import { extractLinks, normalizeUrl, parseSitemap } from "./links";
import { parseRobots, type RobotsRules } from "./robots";

/**
 * A polite single-origin crawler for `xin ingest <url>`: robots.txt (RFC 9309) first, then the
 * sitemap(s) it names (or /sitemap.xml) and the start URL as seeds, then links breadth-first up to
 * `maxDepth` clicks and `maxPages` pages. It never requests another origin: off-site links are
 * ignored and redirects are followed only within the origin. Pages are yielded as raw bytes with
 * their format, for `prepareSource`; every URL it gives up on is yielded with a reason. The fetch
 * is the egress guard's (runtime/net): no page, redirect hop or sitemap reaches a loopback, private or
 * metadata address unless the guard passed in allows its range (tests crawl loopback that way).
 */
export type CrawlOptions = {
  maxPages?: number;
  maxDepth?: number;
  maxBytes?: number;
  timeoutMs?: number;
  userAgent?: string;
  /** Upper bound for robots.txt Crawl-delay, so a huge value cannot stall an ingest job. */
  maxDelayMs?: number;
  /** Default: an `EgressGuard` with no allowed ranges. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  signal?: AbortSignal;
};

export type CrawlEvent =
  | { kind: "page"; url: string; depth: number; format: SourceFormat; bytes: Uint8Array }
  | { kind: "skipped"; url: string; reason: string; code?: string };

const DEFAULTS = {
  maxPages: 200,
  maxDepth: 3,
  maxBytes: 10 * 1024 * 1024,
  timeoutMs: 15_000,
  userAgent: "xin",
  maxDelayMs: 2_000,
};
const MAX_SITEMAPS = 10;
const MAX_REDIRECTS = 5;

type Fetched =
  | { ok: true; url: string; contentType: string; bytes: Uint8Array }
  | { ok: false; reason: string; location?: string; code?: string };

export async function* crawl(startUrl: string, options: CrawlOptions = {}): AsyncGenerator<CrawlEvent> {
  const o = { ...DEFAULTS, ...options };
  const start = normalizeUrl(startUrl, "http://invalid.invalid/");
  if (start === undefined || !/^https?:\/\//i.test(startUrl.trim())) {
    throw new XinError("rag.crawl_url_invalid", `not an http(s) URL: ${startUrl}`, { status: 400, exitCode: 2 });
  }
  const origin = new URL(start).origin;
  // Guarded by default: without the caller's guard (and its egress.allow_cidrs) only public addresses.
  const doFetch = o.fetch ?? new EgressGuard().fetch;
  const get = async (url: string): Promise<Fetched> => {
    const signals = [AbortSignal.timeout(o.timeoutMs), ...(o.signal ? [o.signal] : [])];
    try {
      const res = await doFetch(url, {
        redirect: "manual",
        signal: AbortSignal.any(signals),
        headers: { "user-agent": o.userAgent },
      });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        return { ok: false, reason: `HTTP ${res.status}`, location: res.headers.get("location") ?? undefined };
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { ok: false, reason: `HTTP ${res.status}` };
      }
      const bytes = await readLimited(res, o.maxBytes);
      if (bytes === undefined) return { ok: false, reason: `larger than ${o.maxBytes} bytes` };
      return { ok: true, url, contentType: res.headers.get("content-type") ?? "", bytes };
    } catch (e) {
      if (o.signal?.aborted) throw e;
      // The egress guard refused the address: the URL's own failure, with the policy's reason.
      if (isEgressBlocked(e)) return { ok: false, reason: e.message, code: e.code };
      return {
        ok: false,
        reason:
          e instanceof Error && e.name === "TimeoutError" ? `no answer within ${o.timeoutMs} ms` : "network error",
      };
    }
  };

  const robotsFile = await get(`${origin}/robots.txt`);
  if (!robotsFile.ok && robotsFile.code) {
    // Refused by policy: the site's address is not reachable for anything, so the start URL is the failure.
    yield { kind: "skipped", url: start, reason: robotsFile.reason, code: robotsFile.code };
    return;
  }
  const robots = robotsRules(robotsFile, o.userAgent);
  if (typeof robots === "string") {
    yield { kind: "skipped", url: `${origin}/robots.txt`, reason: robots };
    return;
  }
  const delayMs = Math.min((robots.crawlDelaySeconds ?? 0) * 1000, o.maxDelayMs);
  const queue: { url: string; depth: number; hops: number }[] = [{ url: start, depth: 0, hops: 0 }];
  for (const page of await sitemapPages(get, robots, origin)) queue.push({ url: page, depth: 0, hops: 0 });
  const seen = new Set<string>();
  let pages = 0;
  let requests = 0;
  while (queue.length > 0 && pages < o.maxPages) {
    const item = queue.shift() as { url: string; depth: number; hops: number };
    if (seen.has(item.url)) continue;
    seen.add(item.url);
    const { pathname, search } = new URL(item.url);
    if (!robots.isAllowed(pathname + search)) {
      yield { kind: "skipped", url: item.url, reason: "disallowed by robots.txt" };
      continue;
    }
    if (requests++ > 0 && delayMs > 0) await Bun.sleep(delayMs);
    const fetched = await get(item.url);
    if (!fetched.ok) {
      const target = fetched.location === undefined ? undefined : normalizeUrl(fetched.location, item.url);
      if (target !== undefined && new URL(target).origin === origin && item.hops < MAX_REDIRECTS) {
        queue.unshift({ url: target, depth: item.depth, hops: item.hops + 1 });
      } else {
        yield {
          kind: "skipped",
          url: item.url,
          reason: target !== undefined ? "redirects off-site" : fetched.reason,
          ...(fetched.code ? { code: fetched.code } : {}),
        };
      }
      continue;
    }
    const format = formatFromContentType(fetched.contentType);
    if (format === undefined) {
      yield { kind: "skipped", url: item.url, reason: `unsupported content type ${fetched.contentType || "(none)"}` };
      continue;
    }
    if (format === "html") {
      const page = extractLinks(new TextDecoder().decode(fetched.bytes), item.url);
      if (!page.nofollow && item.depth < o.maxDepth) {
        for (const link of page.links)
          if (new URL(link).origin === origin && !seen.has(link))
            queue.push({ url: link, depth: item.depth + 1, hops: 0 });
      }
      if (page.noindex) {
        yield { kind: "skipped", url: item.url, reason: "page asks not to be indexed (meta robots noindex)" };
        continue;
      }
    }
    pages++;
    yield { kind: "page", url: item.url, depth: item.depth, format, bytes: fetched.bytes };
  }
}

/** robots.txt rules; a string when the site must not be crawled (RFC 9309: unreachable = disallow all). */
const robotsRules = (res: Fetched, agent: string): RobotsRules | string => {
  if (res.ok) return parseRobots(new TextDecoder().decode(res.bytes), agent);
  if (/^HTTP 4\d\d$/.test(res.reason) || /^HTTP 3\d\d$/.test(res.reason)) return parseRobots("", agent);
  return `robots.txt unreachable (${res.reason}): nothing crawled, as RFC 9309 requires`;
};

/** Same-origin page URLs from the site's sitemaps (nested indexes followed, at most 10 files). */
const sitemapPages = async (
  get: (url: string) => Promise<Fetched>,
  robots: RobotsRules,
  origin: string,
): Promise<string[]> => {
  const queue = robots.sitemaps.length > 0 ? [...robots.sitemaps] : [`${origin}/sitemap.xml`];
  const pages: string[] = [];
  for (let fetched = 0; queue.length > 0 && fetched < MAX_SITEMAPS; fetched++) {
    const url = normalizeUrl(queue.shift() as string, origin);
    if (url === undefined || new URL(url).origin !== origin) continue;
    const res = await get(url);
    if (!res.ok) continue;
    const map = parseSitemap(new TextDecoder().decode(res.bytes));
    queue.push(...map.sitemaps);
    for (const page of map.pages) {
      const normal = normalizeUrl(page, origin);
      if (normal !== undefined && new URL(normal).origin === origin) pages.push(normal);
    }
  }
  return pages;
};

/** The body, or undefined once it exceeds `limit` bytes (the rest is not downloaded). */
const readLimited = async (res: Response, limit: number): Promise<Uint8Array | undefined> => {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of res.body) {
    total += part.byteLength;
    if (total > limit) return undefined;
    parts.push(part);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
};
