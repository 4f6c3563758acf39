/**
 * The egress guard: every fetch a tenant or a provider payload can steer (crawling, URL ingest,
 * customer media) goes through `EgressGuard.fetch`, so none reaches the host itself, a private
 * network or the cloud metadata endpoint unless the operator lists the range in `egress.allow_cidrs`.
 *
 * - The host is resolved first (every address must pass: a name with one private address among
 *   public ones is refused), then the request is sent to the address that was checked, with the
 *   original `Host` header and, for https, TLS verifying the certificate against the original name
 *   (Bun's `fetch` `tls.serverName`, which sets SNI and the name checked). There is no second DNS
 *   lookup between check and connect, so a rebinding name cannot swap in 127.0.0.1.
 * - Redirects are never followed by fetch itself (`redirect: "manual"`): each hop is checked like the
 *   first, credentials are dropped when a hop leaves the origin. A caller asking for `manual` gets
 *   the 3xx and follows (through the guard) itself, as the crawler does.
 * - Odd spellings (127.1, 0x7f.1, 2130706433, [::ffff:127.0.0.1]) are normalised by the WHATWG URL
 *   parser before the check, so they are the address they stand for.
 */
import { lookup } from "node:dns/promises";
import { XinError } from "../errors";
import { formatIp, IpRanges, parseIp, type Ip } from "../ip";
import { classifyAddress, ipv4Inside } from "./address-class";

export const ALLOW_KEY = "egress.allow_cidrs (XIN_EGRESS__ALLOW_CIDRS)";

/** A fetch refused by policy: final, never retried. `data` names the host, the address and the range. */
export class EgressBlocked extends XinError {
  readonly retryable = false;
  constructor(message: string, data: Record<string, unknown>) {
    super("egress.blocked", message, {
      status: 400,
      data,
      hint: `an operator can allow a range with ${ALLOW_KEY}, e.g. ["127.0.0.1/32"]`,
    });
    this.name = "EgressBlocked";
  }
}

export const isEgressBlocked = (e: unknown): e is EgressBlocked => e instanceof XinError && e.code === "egress.blocked";

export type Resolve = (host: string) => Promise<string[]>;

export type EgressOptions = {
  /** `egress.allow_cidrs`: ranges the operator allows although they are not public. */
  allowCidrs?: readonly string[];
  /** DNS: every address of a name (tests inject one). */
  resolve?: Resolve;
  /** The transport (default: Bun's fetch). */
  fetch?: typeof fetch;
  maxRedirects?: number;
};

export type CheckedTarget = { url: URL; address: string; connectUrl: URL };

const systemResolve: Resolve = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

/** A DNS lookup cannot be cancelled; the caller's deadline still ends the wait for it. */
const untilAborted = <T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
};

export class EgressGuard {
  private readonly allow: IpRanges;
  private readonly resolve: Resolve;
  private readonly transport: typeof fetch;
  private readonly maxRedirects: number;

  constructor(options: EgressOptions = {}) {
    this.allow = new IpRanges(options.allowCidrs ?? []);
    this.resolve = options.resolve ?? systemResolve;
    this.transport = options.fetch ?? fetch;
    this.maxRedirects = options.maxRedirects ?? 5;
  }

  private allowed(ip: Ip): boolean {
    const inner = ipv4Inside(ip);
    return this.allow.has(ip) || (inner !== null && this.allow.has(inner));
  }

  /** The address a URL may be fetched from; throws `egress.blocked` (final) when policy refuses it. */
  async check(target: string | URL): Promise<CheckedTarget> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new EgressBlocked(`not a URL: ${String(target).slice(0, 200)}`, { url: String(target).slice(0, 200) });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new EgressBlocked(`only http(s) URLs are fetched, not ${url.protocol}`, { url: url.href });
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const literal = parseIp(host);
    let addresses: string[];
    if (literal) addresses = [host];
    else {
      try {
        addresses = await this.resolve(host);
      } catch (cause) {
        throw new XinError("egress.unresolvable", `cannot resolve ${host}`, { status: 502, data: { host }, cause });
      }
      if (addresses.length === 0)
        throw new XinError("egress.unresolvable", `cannot resolve ${host}`, { status: 502, data: { host } });
    }
    let first: Ip | null = null;
    for (const text of addresses) {
      const ip = parseIp(text);
      if (!ip) throw new EgressBlocked(`${host} resolved to something that is not an address`, { host });
      first ??= ip;
      if (this.allowed(ip)) continue;
      const verdict = classifyAddress(ip);
      if (verdict.blocked) {
        const address = formatIp(ip);
        const named = literal ? address : `${host} (${address})`;
        throw new EgressBlocked(
          `refused to fetch from ${named}: ${verdict.name} address (${verdict.range}); allow it with ${ALLOW_KEY}`,
          {
            host,
            address,
            range: verdict.range,
            config_key: "egress.allow_cidrs",
          },
        );
      }
    }
    const address = formatIp(first as Ip);
    const connectUrl = new URL(url.href);
    if (!literal) connectUrl.hostname = address.includes(":") ? `[${address}]` : address;
    return { url, address, connectUrl };
  }

  /** `fetch` with every hop checked and connected to the checked address (see the file comment). */
  readonly fetch = async (input: string | URL | Request, init: BunFetchRequestInit = {}): Promise<Response> => {
    if (input instanceof Request)
      throw new XinError("egress.request_object", "the egress guard takes a URL and init, not a Request", {
        status: 500,
      });
    let url = new URL(input);
    let method = (init.method ?? "GET").toUpperCase();
    let body = init.body;
    const headers = new Headers(init.headers);
    for (let hop = 0; ; hop++) {
      const target = await untilAborted(this.check(url), init.signal ?? undefined);
      const named = target.connectUrl.hostname !== url.hostname;
      if (named) headers.set("host", url.host);
      else headers.delete("host");
      const tls = url.protocol === "https:" && named ? { ...init.tls, serverName: url.hostname } : init.tls;
      const response = await this.transport(target.connectUrl, {
        ...init,
        method,
        body,
        headers,
        redirect: "manual",
        ...(tls ? { tls } : {}),
      });
      const location = response.headers.get("location");
      if (init.redirect === "manual" || !REDIRECTS.has(response.status) || location === null) return response;
      await response.body?.cancel();
      if (hop >= this.maxRedirects)
        throw new XinError("egress.too_many_redirects", `more than ${this.maxRedirects} redirects from ${url.origin}`, {
          status: 502,
          data: { url: url.origin },
        });
      const next = new URL(location, url);
      if (next.origin !== url.origin) for (const h of CREDENTIAL_HEADERS) headers.delete(h);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
        headers.delete("content-type");
      }
      url = next;
    }
  };

  /** The guard as a drop-in `typeof fetch` (preconnect is a no-op: it would bypass the check). */
  asFetch(): typeof fetch {
    return Object.assign(this.fetch, { preconnect: () => {} }) as typeof fetch;
  }
}
