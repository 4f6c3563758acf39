import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EgressGuard } from "./egress";

// The site the tests may reach (127.0.0.2, allowed by the guards below) and a "secret" service on
// 127.0.0.1 that no test may reach unless it allows 127.0.0.1: it counts every request it gets.
let secretHits = 0;
let secretAuth: string | null = null;
const secret = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) => (secretHits++, (secretAuth = req.headers.get("authorization")), new Response("internal")),
});
const seen: { path: string; host: string | null; auth: string | null }[] = [];
const site = Bun.serve({
  hostname: "127.0.0.2",
  port: 0,
  fetch(req) {
    const { pathname } = new URL(req.url);
    seen.push({ path: pathname, host: req.headers.get("host"), auth: req.headers.get("authorization") });
    if (pathname === "/to-loopback") return Response.redirect(`http://127.0.0.1:${secret.port}/`, 302);
    if (pathname === "/to-localhost") return Response.redirect(`http://localhost:${secret.port}/`, 301);
    if (pathname === "/to-mapped") return Response.redirect(`http://[::ffff:127.0.0.1]:${secret.port}/`, 307);
    if (pathname === "/hop") return Response.redirect("/landing", 302);
    return new Response(`page ${pathname}`);
  },
});
afterAll(() => {
  secret.stop(true);
  site.stop(true);
});

const SITE = () => `http://127.0.0.2:${site.port}`;
const blocked = (p: Promise<unknown>) =>
  p.then(
    () => "fetched",
    (e: { code?: string; data?: unknown }) => e.code,
  );

describe("egress guard", () => {
  test("loopback, private and metadata addresses are refused, in every spelling, with the key that allows them", async () => {
    const guard = new EgressGuard();
    for (const url of [
      "http://127.0.0.1/",
      "http://127.1/",
      "http://0x7f.1/",
      "http://2130706433/",
      "http://0177.0.0.1/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]/",
      "http://0.0.0.0/",
      "http://10.0.0.1/",
      "http://[fd00::1]/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[64:ff9b::a9fe:a9fe]/",
      "https://100.64.1.1/",
    ]) {
      expect(await blocked(guard.check(url)), url).toBe("egress.blocked");
    }
    const error = await guard.check("http://169.254.169.254/").catch((e) => e);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("169.254.169.254");
    expect(error.message).toContain("egress.allow_cidrs");
    expect(error.data).toMatchObject({
      host: "169.254.169.254",
      address: "169.254.169.254",
      range: "169.254.0.0/16",
      config_key: "egress.allow_cidrs",
    });
    expect(await blocked(guard.check("file:///etc/passwd"))).toBe("egress.blocked");
    expect(await blocked(guard.check("ftp://example.com/"))).toBe("egress.blocked");
  });

  test("a name is judged by what it resolves to: localhost, a name rebinding to loopback, one private address among public ones", async () => {
    expect(await blocked(new EgressGuard().check("http://localhost:1/"))).toBe("egress.blocked");
    const guard = new EgressGuard({
      resolve: async (host) =>
        host === "mixed.test"
          ? ["93.184.216.34", "10.0.0.5"]
          : host === "public.test"
            ? ["93.184.216.34"]
            : ["127.0.0.1"],
    });
    const rebind = await guard.check("http://rebind.test/").catch((e) => e);
    expect(rebind.code).toBe("egress.blocked");
    expect(rebind.message).toContain("rebind.test (127.0.0.1)");
    expect(await blocked(guard.check("http://mixed.test/"))).toBe("egress.blocked");
    const ok = await guard.check("https://public.test/x?y=1");
    expect(ok.address).toBe("93.184.216.34");
    expect(ok.connectUrl.href).toBe("https://93.184.216.34/x?y=1");
  });

  test("the request goes to the address that was checked, with the original Host; the name is resolved once", async () => {
    let lookups = 0;
    // A rebinding resolver: the first answer is the allowed site, any later one the secret service.
    const guard = new EgressGuard({
      allowCidrs: ["127.0.0.2/32"],
      resolve: async () => (lookups++ === 0 ? ["127.0.0.2"] : ["127.0.0.1"]),
    });
    const res = await guard.fetch(`http://shop.test:${site.port}/page`);
    expect(await res.text()).toBe("page /page");
    expect(lookups).toBe(1);
    expect(seen.at(-1)).toMatchObject({ path: "/page", host: `shop.test:${site.port}` });
    expect(secretHits).toBe(0);
  });

  test("every redirect hop is checked: an allowed site redirecting to 127.0.0.1 is refused, the target never reached", async () => {
    const guard = new EgressGuard({ allowCidrs: ["127.0.0.2/32"] });
    for (const path of ["/to-loopback", "/to-localhost", "/to-mapped"])
      expect(await blocked(guard.fetch(`${SITE()}${path}`)), path).toBe("egress.blocked");
    expect(secretHits).toBe(0);
    // Within the allowed site a redirect is followed; `manual` hands the 3xx to the caller.
    expect(await (await guard.fetch(`${SITE()}/hop`)).text()).toBe("page /landing");
    const manual = await guard.fetch(`${SITE()}/to-loopback`, { redirect: "manual" });
    expect(manual.status).toBe(302);
    expect(secretHits).toBe(0);
  });

  test("egress.allow_cidrs lets the operator's ranges through; credentials do not follow a redirect off the origin", async () => {
    const guard = new EgressGuard({ allowCidrs: ["127.0.0.0/8"] });
    const res = await guard.fetch(`${SITE()}/to-loopback`, { headers: { authorization: "Bearer t" } });
    expect(await res.text()).toBe("internal");
    expect(secretHits).toBe(1);
    expect(seen.at(-1)).toMatchObject({ path: "/to-loopback", auth: "Bearer t" });
    expect(secretAuth).toBeNull();
    secretHits = 0;
  });

  test("a DNS lookup that never answers ends with the caller's signal", async () => {
    const guard = new EgressGuard({ resolve: () => new Promise<string[]>(() => {}) });
    const error = await guard.fetch("http://slow.test/", { signal: AbortSignal.timeout(50) }).catch((e) => e);
    expect(error.name).toBe("TimeoutError");
  });

  test("https: TLS verifies the certificate against the original name while connecting to the checked address", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xin-egress-tls-"));
    const made = Bun.spawnSync([
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=shop.example.test",
      "-addext",
      "subjectAltName=DNS:shop.example.test",
    ]);
    expect(made.exitCode).toBe(0);
    const cert = readFileSync(join(dir, "cert.pem"), "utf8");
    const tlsSite = Bun.serve({
      hostname: "127.0.0.2",
      port: 0,
      tls: { cert, key: readFileSync(join(dir, "key.pem"), "utf8") },
      fetch: (req) => new Response(`host=${req.headers.get("host")}`),
    });
    try {
      const guard = new EgressGuard({ allowCidrs: ["127.0.0.2/32"], resolve: async () => ["127.0.0.2"] });
      const res = await guard.fetch(`https://shop.example.test:${tlsSite.port}/`, { tls: { ca: cert } });
      expect(await res.text()).toBe(`host=shop.example.test:${tlsSite.port}`);
      // A name the certificate does not cover fails verification: the name checked is the URL's, not the IP's.
      expect(
        await guard.fetch(`https://other.example.test:${tlsSite.port}/`, { tls: { ca: cert } }).then(
          () => "fetched",
          (e) => e.code,
        ),
      ).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      tlsSite.stop(true);
    }
  });
});
