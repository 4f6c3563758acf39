// `xin certs issue|status` and `xin serve` as a user runs them: with no server running the CLI opens
// the store and a short-lived listener on server.port answers pebble's real HTTP-01 validation; with
// `xin serve` running the order runs inside it and the new certificate is served by that process.
// scripts/test.sh installs pebble.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, pebbleInstalled, startPebble, type Pebble } from "../support/pebble";
import { probeTls } from "../support/tls-probe";

if (!pebbleInstalled())
  throw new Error("pebble is not installed: scripts/test.sh installs it (apt-get install pebble)");

const root = join(import.meta.dir, "../..");
const httpPort = freePort();
let dir = "";
let config = "";
let pebble: Pebble;

const xin = async (...args: string[]) => xinWith({}, ...args);
const xinWith = async (extraEnv: Record<string, string>, ...args: string[]) => {
  const p = Bun.spawn([process.execPath, join(root, "src/cli/main.ts"), ...args, "--config", config], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      XIN_SERVER__HOST: "127.0.0.1",
      XIN_SERVER__PORT: String(httpPort),
      ...extraEnv,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "xin-certs-cli-"));
  chmodSync(dir, 0o755);
  config = join(dir, "data/xin.toml");
  const init = Bun.spawnSync([
    process.execPath,
    join(root, "src/cli/main.ts"),
    "init",
    "--yes",
    "--data-dir",
    join(dir, "data"),
    "--brand",
    "Acme Shoes",
  ]);
  expect(init.exitCode).toBe(0);
  pebble = await startPebble(httpPort);
}, 120_000);
afterAll(async () => {
  await pebble?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("before any order, status says how to get a certificate", async () => {
  const r = await xin("certs", "status", "--json");
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ present: false, domains: [], last_result: null });
  expect((await xin("certs", "status")).stdout).toContain("xin certs issue --domain");
}, 30_000);

test("bad input is a usage error before anything is ordered", async () => {
  const wildcard = await xin("certs", "issue", "--domain", "*.acme.test", "--email", "ops@acme.test");
  expect(wildcard.code).toBe(2);
  expect(wildcard.stderr).toContain("wildcard certificates need DNS-01");
  const email = await xin("certs", "issue", "--domain", "shop.acme.test", "--email", "not-an-address");
  expect(email.code).toBe(2);
  expect(email.stderr).toContain("not an email address");
  const both = await xin(
    "certs",
    "issue",
    "--domain",
    "shop.acme.test",
    "--email",
    "ops@acme.test",
    "--staging",
    "--directory",
    pebble.directory,
  );
  expect(both.code).toBe(2);
  // A private CA the directory's TLS certificate is not signed by: refused, never "verification off".
  const untrusted = await xin(
    "certs",
    "issue",
    "--domain",
    "shop.acme.test",
    "--email",
    "ops@acme.test",
    "--directory",
    pebble.directory,
  );
  expect(untrusted.code).toBe(1);
  expect(untrusted.stderr).toContain("could not reach the ACME directory");
  expect(untrusted.stderr).toContain("--directory-ca");
  expect(untrusted.stderr).toMatch(/certificate|self.signed|issuer/i);
}, 120_000);

test("issue, then status: the certificate for both names, from pebble, files 0600", async () => {
  const r = await xin(
    "certs",
    "issue",
    "--domain",
    "shop.acme.test",
    "--domain",
    "www.shop.acme.test",
    "--email",
    "ops@acme.test",
    "--directory",
    pebble.directory,
    "--directory-ca",
    pebble.directoryCaFile,
    "--json",
  );
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const issued = JSON.parse(r.stdout);
  expect(issued.domains.sort()).toEqual(["shop.acme.test", "www.shop.acme.test"]);
  expect(issued.issuer).toContain("Pebble Intermediate CA");
  expect(statSync(join(dir, "data/certs/privkey.pem")).mode & 0o777).toBe(0o600);
  const status = await xin("certs", "status");
  expect(status.code).toBe(0);
  expect(status.stdout).toContain("shop.acme.test, www.shop.acme.test");
  expect(status.stdout).toMatch(/last result\s+ok at/);
}, 120_000);

test("a private CA trusted through NODE_EXTRA_CA_CERTS instead of --directory-ca", async () => {
  const r = await xinWith(
    { NODE_EXTRA_CA_CERTS: pebble.directoryCaFile },
    "certs",
    "issue",
    "--domain",
    "shop.acme.test",
    "--domain",
    "www.shop.acme.test",
    "--email",
    "ops@acme.test",
    "--directory",
    pebble.directory,
    "--json",
  );
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).issuer).toContain("Pebble Intermediate CA");
}, 120_000);

test("xin serve serves the certificate on server.https_port; xin certs issue while it runs orders inside it and the new one is served without a restart", async () => {
  const httpsPort = freePort();
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    XIN_SERVER__HOST: "127.0.0.1",
    XIN_SERVER__PORT: String(httpPort),
    XIN_SERVER__HTTPS_PORT: String(httpsPort),
  };
  const serve = Bun.spawn([process.execPath, join(root, "src/cli/main.ts"), "serve", "--config", config], {
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const pebbleRoot = await pebble.root();
    let first: Awaited<ReturnType<typeof probeTls>> | null = null;
    for (let i = 0; i < 600 && !first; i++) {
      first = await probeTls(httpsPort, "shop.acme.test", pebbleRoot).catch(() => null);
      if (!first) await Bun.sleep(100);
    }
    expect(first?.subjectAltName).toContain("DNS:www.shop.acme.test");
    const before = JSON.parse((await xin("certs", "status", "--json")).stdout);
    expect(first?.serial).toBe(before.serial.toLowerCase());

    const r = await xin(
      "certs",
      "issue",
      "--domain",
      "shop.acme.test",
      "--domain",
      "api.shop.acme.test",
      "--email",
      "ops@acme.test",
      "--directory",
      pebble.directory,
      "--directory-ca",
      pebble.directoryCaFile,
      "--json",
    );
    expect(r.code).toBe(0);
    const renewed = JSON.parse(r.stdout);
    expect(renewed.serial).not.toBe(before.serial);
    const served = await probeTls(httpsPort, "api.shop.acme.test", pebbleRoot);
    expect(served.serial).toBe(renewed.serial.toLowerCase());
    expect(serve.exitCode).toBeNull(); // the same process
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toContain(`xin_cert_expiry_timestamp_seconds ${Math.floor(Date.parse(renewed.not_after) / 1000)}`);
    // The scheduler's check at start ran and found nothing due.
    expect(metrics).toContain('xin_cert_renewal_checks_total{outcome="not_due"} 1');
  } finally {
    serve.kill("SIGTERM");
    await serve.exited;
  }
}, 180_000);
