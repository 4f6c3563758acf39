// HTTPS end to end against Debian's pebble with real HTTP-01 validation: xin answers the CA itself
// (a short-lived listener, then the gateway), serves the chain, renews early in the same process
// and swaps the certificate in, and reports a failed challenge. scripts/test.sh installs pebble.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certificates, issueWithoutServer } from "../../src/app/certificates";
import { certPaths, type CertStatus } from "../../src/certs";
import { gatewayService } from "../../src/gateway";
import { silentLogger, XinError } from "../../src/runtime";
import { configSchema, type Config } from "../../src/runtime/config";
import { schema, transaction } from "../../src/runtime/db";
import { createTenant, issueToken } from "../../src/tenancy";
import { createMetrics } from "../../src/runtime/metrics";
import { describeStores } from "../support/db";
import { gatewayDeps, INSTANCE_KEY } from "../support/gateway";
import { freePort, pebbleInstalled, startPebble, type Pebble } from "../support/pebble";
import { probeTls } from "../support/tls-probe";

if (!pebbleInstalled())
  throw new Error("pebble is not installed: scripts/test.sh installs it (apt-get install pebble)");

const httpPort = freePort();
let pebble: Pebble;
let root = "";

beforeAll(async () => {
  pebble = await startPebble(httpPort);
  root = await pebble.root();
}, 30_000);
afterAll(async () => {
  await pebble?.stop();
});

const configFor = (dataDir: string, httpsPort: number, renewDaysBefore = 30): Config =>
  configSchema.parse({
    data_dir: dataDir,
    instance_key: INSTANCE_KEY,
    server: { host: "127.0.0.1", port: httpPort, https_port: httpsPort, hsts: true },
    certs: { renew_days_before: renewDaysBefore },
  });

const mode = (path: string) => statSync(path).mode & 0o777;

describeStores("certificates from pebble over HTTP-01", (getDb) => {
  const dataDir = mkdtempSync(join(tmpdir(), "xin-certs-"));
  const httpsPort = freePort();
  const request = () => ({
    domains: ["xin.test", "www.xin.test"],
    email: "ops@xin.test",
    directory: pebble.directory,
    directoryCa: pebble.directoryCaFile,
  });
  const challengeRows = async () => (await getDb().db.select().from(schema.acmeChallenges)).length;
  let issued: CertStatus;

  test("a challenge the CA cannot reach fails clearly and writes nothing", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "xin-certs-bad-"));
    // Nothing listens on 127.0.0.2: pebble's fetch of the token is refused.
    await pebble.setA("unreachable.test", "127.0.0.2");
    const error = await issueWithoutServer(
      configFor(fresh, httpsPort),
      () => getDb().db,
      { ...request(), domains: ["unreachable.test"] },
      silentLogger,
      { pollMs: 50 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XinError);
    expect((error as XinError).code).toBe("certs.challenge_failed");
    expect((error as XinError).message).toContain("unreachable.test");
    expect((error as XinError).message).toMatch(/connection refused/i);
    const paths = certPaths(fresh);
    expect(existsSync(paths.cert) || existsSync(paths.key) || existsSync(paths.state)).toBe(false);
    expect(await challengeRows()).toBe(0);
  }, 60_000);

  test("xin certs issue without a server: a short-lived listener answers pebble, files are 0600", async () => {
    issued = await issueWithoutServer(configFor(dataDir, httpsPort), () => getDb().db, request(), silentLogger, {
      pollMs: 50,
    });
    expect(issued.present).toBe(true);
    expect(issued.domains.sort()).toEqual(["www.xin.test", "xin.test"]);
    expect(issued.issuer).toContain("Pebble Intermediate CA");
    expect(issued.last_result).toBe("ok");
    const paths = certPaths(dataDir);
    for (const file of [paths.accountKey, paths.cert, paths.key, paths.state]) expect(mode(file)).toBe(0o600);
    expect(mode(paths.dir)).toBe(0o700);
    // The tokens lived in the store only for the order.
    expect(await challengeRows()).toBe(0);
    // The short-lived listener is gone: the port is free for the server.
    const probe = Bun.listen({ hostname: "127.0.0.1", port: httpPort, socket: { data() {} } });
    probe.stop(true);
  }, 60_000);

  test("serve: HTTPS with the chain, HSTS, challenges answered from the store, renewal swapped in without a restart", async () => {
    const config = configFor(dataDir, httpsPort);
    const metrics = createMetrics();
    // The renewal policy reads this clock; the CA and TLS clients use the real one.
    let clock = Date.now();
    const certs = certificates(config, () => getDb().db, metrics, silentLogger, {
      pollMs: 50,
      now: () => new Date(clock),
    });
    const gateway = gatewayService(
      gatewayDeps(getDb(), 1 << 20, {
        port: httpPort,
        metrics,
        challenges: certs.challenges,
        https: { port: httpsPort, hsts: true, certs: certs.manager },
        certs: certs.manager,
      }),
    );
    await gateway.start();
    try {
      expect(gateway.httpsPort()).toBe(httpsPort);
      // A client verifying against pebble's root accepts the chain for both names, and nothing else.
      const served = await probeTls(httpsPort, "xin.test", root);
      expect(served.serial).toBe(issued.serial!.toLowerCase());
      expect(served.subjectAltName).toContain("DNS:xin.test");
      expect(served.chainLength).toBeGreaterThanOrEqual(2);
      expect((await probeTls(httpsPort, "www.xin.test", root)).serial).toBe(served.serial);
      await expect(probeTls(httpsPort, "other.test", root)).rejects.toThrow(/altnames|does not match/i);
      await expect(probeTls(httpsPort, "xin.test")).rejects.toThrow(/issuer|self.signed|unable to (get|verify)/i);

      const https = await fetch(`https://127.0.0.1:${httpsPort}/healthz`, {
        tls: { ca: root, serverName: "xin.test" },
      });
      expect(https.status).toBe(200);
      expect(https.headers.get("strict-transport-security")).toBe("max-age=31536000");

      // Any instance answers a token another one wrote; unknown tokens are a 404.
      await certs.challenges.put("tok_AAAAAAAAAAAAAAAAAAAA", "tok_AAAAAAAAAAAAAAAAAAAA.thumb", "xin.test");
      const answer = await fetch(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/tok_AAAAAAAAAAAAAAAAAAAA`);
      expect(await answer.text()).toBe("tok_AAAAAAAAAAAAAAAAAAAA.thumb");
      expect(
        (await fetch(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/tok_BBBBBBBBBBBBBBBBBBBB`)).status,
      ).toBe(404);
      await certs.challenges.remove("tok_AAAAAAAAAAAAAAAAAAAA");
      // Loopback clients (the CLI's admin client) keep plain HTTP; others are redirected (https.test.ts).
      expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`, { redirect: "manual" })).status).toBe(200);

      // The scheduled check: pebble's certificate has years left, so nothing happens at 30 days.
      await certs.renewHandler(jobStub(), ctxStub());
      expect(certs.manager.status().serial).toBe(issued.serial);
      expect(await metricValue(metrics, 'xin_cert_renewal_checks_total{outcome="not_due"}')).toBe(1);

      // Once due (the clock at 30 days before expiry): renewed through pebble, served by this same listener.
      clock = Date.parse(certs.manager.status().renewal_due_at!) + 1000;
      await certs.renewHandler(jobStub(), ctxStub());
      const renewedSerial = certs.manager.status().serial!.toLowerCase();
      expect(renewedSerial).not.toBe(served.serial);
      expect((await probeTls(httpsPort, "xin.test", root)).serial).toBe(renewedSerial);
      // Same port, no restart: the gateway's own listener took it (in-flight requests: tls-server.test.ts).
      expect(gateway.httpsPort()).toBe(httpsPort);
      expect(certs.manager.status().last_result).toBe("ok");
      expect(await metricValue(metrics, 'xin_cert_renewal_checks_total{outcome="renewed"}')).toBe(1);
      expect(await challengeRows()).toBe(0);

      // A failed renewal: the CA's lookup points elsewhere, the served certificate stays, backoff is recorded.
      clock = Date.parse(certs.manager.status().renewal_due_at!) + 1000;
      await pebble.setA("xin.test", "127.0.0.2");
      try {
        await certs.renewHandler(jobStub(), ctxStub());
      } finally {
        await pebble.clearA("xin.test");
      }
      const failed = certs.manager.status();
      expect(failed.last_result).toBe("failed");
      expect(failed.last_error).toMatch(/xin\.test.*connection refused/is);
      expect(failed.consecutive_failures).toBe(1);
      expect(Date.parse(failed.next_attempt_at!)).toBe(clock + 15 * 60_000);
      expect((await probeTls(httpsPort, "xin.test", root)).serial).toBe(renewedSerial);
      expect(await metricValue(metrics, "xin_cert_renewal_failures")).toBe(1);
      // The next check waits for the backoff instead of asking the CA again.
      await certs.renewHandler(jobStub(), ctxStub());
      expect(await metricValue(metrics, 'xin_cert_renewal_checks_total{outcome="backing_off"}')).toBe(1);
      expect(certs.manager.status().last_attempt_at).toBe(failed.last_attempt_at);
      expect(await metricValue(metrics, "xin_cert_expiry_timestamp_seconds")).toBe(
        Math.floor(Date.parse(failed.not_after!) / 1000),
      );

      // `xin certs issue` while the server runs: the order runs in the server through its admin API.
      const tokens = await transaction(getDb().db, async ({ tx }) => {
        const tenant = await createTenant(tx, `certs-${crypto.randomUUID()}`, "test");
        return {
          root: (await issueToken(tx, INSTANCE_KEY, { role: "admin", tenant_id: null, name: "root" }, "test")).token,
          tenantAdmin: (
            await issueToken(tx, INSTANCE_KEY, { role: "admin", tenant_id: tenant.id, name: "shop" }, "test")
          ).token,
        };
      });
      const issueBody = JSON.stringify({
        domains: ["xin.test", "API.xin.test"],
        email: "ops@xin.test",
        directory: pebble.directory,
        directory_ca: pebble.directoryCaFile,
      });
      const refused = await fetch(`http://127.0.0.1:${httpPort}/api/v1/certs/issue`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.tenantAdmin}`, "content-type": "application/json" },
        body: issueBody,
      });
      expect(refused.status).toBe(403);
      const viaApi = await fetch(`http://127.0.0.1:${httpPort}/api/v1/certs/issue`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.root}`, "content-type": "application/json" },
        body: issueBody,
      });
      expect(viaApi.status).toBe(200);
      const apiStatus = (await viaApi.json()) as CertStatus;
      expect(apiStatus.domains.sort()).toEqual(["api.xin.test", "xin.test"]);
      expect(apiStatus.consecutive_failures).toBe(0);
      expect((await probeTls(httpsPort, "api.xin.test", root)).serial).toBe(apiStatus.serial!.toLowerCase());
      const bad = await fetch(`http://127.0.0.1:${httpPort}/api/v1/certs/issue`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.root}`, "content-type": "application/json" },
        body: JSON.stringify({ domains: ["*.xin.test"], email: "ops@xin.test" }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("certs.domain_wildcard");
    } finally {
      await gateway.stop(Date.now() + 5_000);
    }
  }, 120_000);
});

const jobStub = () => ({}) as Parameters<ReturnType<typeof certificates>["renewHandler"]>[0];
const ctxStub = () => ({}) as Parameters<ReturnType<typeof certificates>["renewHandler"]>[1];

const metricValue = async (metrics: ReturnType<typeof createMetrics>, series: string): Promise<number | null> => {
  const text = await metrics.registry.metrics();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(" ")[1]) : null;
};
