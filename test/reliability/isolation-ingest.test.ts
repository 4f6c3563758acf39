// Tenant A attacks through knowledge ingestion and media: server paths (tenant B's knowledge folder,
// files of the server), SSRF targets (loopback in every spelling, private ranges, the cloud metadata
// address, a name resolving to loopback, DNS rebinding between the API's check and the job, a redirect
// from an allowed site to loopback, a channel API root on the metadata address) and Instagram
// attachments naming a foreign host. Every attempt is
// made with A's tenant admin and A's agent; a breach is any attempt that was accepted where it must be
// refused, any secret that became searchable in A's brand, any request that reached the internal
// service, or any media fetched from a foreign host. The suite counts them: 0 on both stores.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { lookup } from "node:dns/promises";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingestIntoBrand } from "../../src/app";
import { metaSignatureHeader } from "../../src/channels";
import { EgressGuard } from "../../src/runtime/net";
import { describeStores } from "../support/db";
import { fixtureJson } from "../support/fixtures";
import { IG, setupGateway } from "../support/gateway";
import {
  knowledgeApiHarness,
  seedKnowledgeTenant,
  type KnowledgeApiHarness,
  type KnowledgeTenant,
} from "../support/knowledge-api";

const SECRETS = ["VICTIMSECRET", "SERVERSECRET", "INTERNALSECRET", "METADATASECRET"];

// The internal service an attacker wants to reach (a CRM, an admin panel): loopback only, counting hits.
let internalHits = 0;
const internal = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) => {
    internalHits++;
    if (new URL(req.url).pathname === "/robots.txt") return new Response("User-agent: *\nAllow: /\n");
    return new Response("<main><p>INTERNALSECRET the admin password is hunter2</p></main>", {
      headers: { "content-type": "text/html" },
    });
  },
});
// A site the operator allowed (127.0.0.2 in egress.allow_cidrs) that redirects to the internal service.
const redirector = Bun.serve({
  hostname: "127.0.0.2",
  port: 0,
  fetch: (req) =>
    new URL(req.url).pathname === "/robots.txt"
      ? new Response("User-agent: *\nAllow: /\n")
      : Response.redirect(`http://127.0.0.1:${internal.port}/`, 302),
});
afterAll(() => {
  internal.stop(true);
  redirector.stop(true);
});

// DNS as an attacker controls it: a name pointing at loopback, and one that answers the allowed site
// first (the API's check) and loopback afterwards (the job's fetch: a rebinding attempt).
let flips = 0;
const resolve = async (host: string): Promise<string[]> => {
  if (host === "internal.attacker.test") return ["127.0.0.1"];
  if (host === "flip.attacker.test") return flips++ === 0 ? ["127.0.0.2"] : ["127.0.0.1"];
  return (await lookup(host, { all: true })).map((a) => a.address);
};

describeStores("ingest and media isolation under attack", (getDb) => {
  let h: KnowledgeApiHarness;
  let a: KnowledgeTenant;
  let b: KnowledgeTenant;
  let dir: string;
  const breaches: string[] = [];

  beforeAll(async () => {
    h = knowledgeApiHarness(getDb(), new EgressGuard({ allowCidrs: ["127.0.0.2/32"], resolve }));
    a = await seedKnowledgeTenant(getDb(), "attacker");
    b = await seedKnowledgeTenant(getDb(), "victim");
    dir = mkdtempSync(join(tmpdir(), "xin-attack-"));
    // Tenant B's knowledge, ingested by the operator from the server's disk (the local CLI's path).
    mkdirSync(join(dir, "tenant-b", "docs"), { recursive: true });
    writeFileSync(
      join(dir, "tenant-b", "docs", "pricing.md"),
      "# Pricing\n\nVICTIMSECRET: our supplier margin is 61 percent.\n",
    );
    writeFileSync(join(dir, "server-notes.md"), "# Notes\n\nSERVERSECRET the database password is swordfish.\n");
    await ingestIntoBrand({
      db: () => getDb().db,
      dataDir: dir,
      scope: { tenant_id: b.tenantId, brand_id: b.brandId },
      inputs: [join(dir, "tenant-b", "docs")],
      prune: false,
    });
  }, 30_000);
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const ingest = (token: string, body: unknown) => h.call("POST", `/api/v1/brands/${a.brandId}/ingest`, token, body);
  /** Requests that must be refused outright (4xx, nothing queued). */
  const mustRefuse = async (label: string, body: unknown) => {
    for (const [role, token] of [
      ["admin", a.admin],
      ["agent", a.agent],
    ] as const) {
      const res = await ingest(token, body);
      if (res.status < 400) breaches.push(`${label} as ${role}: accepted (${res.status})`);
      if (role === "agent" && res.status !== 403) breaches.push(`${label} as agent: ${res.status}, not 403`);
    }
  };

  test("server paths: tenant B's folder and files, server files, traversal and file: URLs, as inputs and as upload names", async () => {
    const victim = join(dir, "tenant-b", "docs");
    for (const input of [
      victim,
      join(victim, "pricing.md"),
      join(dir, "server-notes.md"),
      "/etc/passwd",
      `file://${victim}`,
      `${victim}/../../server-notes.md`,
      "../../../../etc/hostname",
      "tenant-b/docs",
    ]) {
      await mustRefuse(`input ${input}`, { inputs: [input] });
    }
    for (const name of [
      join(victim, "pricing.md"),
      "../../etc/passwd",
      "docs/../../../etc/passwd",
      "C:\\Windows\\win.ini",
    ]) {
      await mustRefuse(`upload name ${name}`, { files: [{ name, text: "x" }] });
    }
    const form = new FormData();
    form.append("file", new File(["x"], "/etc/passwd"));
    const multipart = await h.upload(`/api/v1/brands/${a.brandId}/ingest`, a.admin, form);
    if (multipart.status < 400) breaches.push(`multipart filename /etc/passwd: accepted (${multipart.status})`);
    expect((await getDb().sql`select 1 from jobs where tenant_id = ${a.tenantId}`).length).toBe(0);
  });

  test("SSRF targets: loopback in every spelling, private and CGNAT ranges, metadata, a name resolving to loopback", async () => {
    const port = internal.port;
    const targets = [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://[::1]:${port}/`,
      `http://127.1:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[64:ff9b::7f00:1]:${port}/`,
      `http://internal.attacker.test:${port}/`,
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://[fd00:ec2::254]/latest/meta-data/",
      "http://10.0.0.1/",
      "http://172.16.0.1/",
      "http://192.168.1.1/",
      "http://100.64.0.1/",
      "http://0.0.0.0/",
      "http://[fe80::1]/",
    ];
    for (const url of targets) {
      await mustRefuse(`url ${url}`, { inputs: [url] });
      const res = await ingest(a.admin, { inputs: [url] });
      const { error } = await res.json();
      if (error?.code !== "egress.blocked")
        breaches.push(`url ${url}: ${error?.code ?? res.status}, not egress.blocked`);
    }
    // A channel's API root is where sends carry its token: a tenant admin may not aim it at the metadata service.
    const channel = await h.call("POST", "/api/v1/channels", a.admin, {
      brand: a.brandId,
      provider: "telegram",
      credentials: { bot_token: "7000000009:AAEvilTokenForTestsOnly", mode: "polling" },
      settings: { api_base: "http://169.254.169.254/" },
    });
    if (channel.status !== 403) breaches.push(`channel api_base on the metadata address: ${channel.status}`);
    if ((await getDb().sql`select 1 from channels where tenant_id = ${a.tenantId}`).length > 0)
      breaches.push("a channel of A was created");
    expect(internalHits).toBe(0);
  });

  test("past the API's check: a redirect from an allowed site to loopback, and DNS rebinding before the job runs", async () => {
    flips = 0;
    for (const url of [`http://127.0.0.2:${redirector.port}/`, `http://flip.attacker.test:${redirector.port}/`]) {
      const res = await ingest(a.admin, { inputs: [url], crawl: { max_pages: 5, max_depth: 1 } });
      if (res.status !== 202) {
        breaches.push(`${url}: the allowed site itself was refused (${res.status}), the scenario did not run`);
        continue;
      }
      const job = await h.job((await res.json()).job_id, a.admin);
      const summary = job.progress?.summary;
      if (job.state !== "done" || !summary) breaches.push(`${url}: job ${job.state} ${job.last_error ?? ""}`);
      if (summary && summary.added.length > 0) breaches.push(`${url}: added ${summary.added.join(", ")}`);
      // Refused by the guard (egress.blocked) or, for a hop to another origin, by the crawler itself.
      const refusal = (f: { code?: string; reason: string }) =>
        f.code === "egress.blocked" || (!url.includes("flip") && f.reason === "redirects off-site");
      if (summary && !summary.failed.some(refusal))
        breaches.push(`${url}: no refusal reported (${JSON.stringify(summary.failed)})`);
    }
    expect(internalHits).toBe(0);
  });

  test("Instagram attachments on foreign hosts are refused unfetched; the message is still answered", async () => {
    const gw = await setupGateway(getDb());
    const base = fixtureJson<{
      entry: { messaging: { message: { mid: string; attachments: { payload: { url: string } }[] } }[] }[];
    }>("instagram", "inbound/image.json");
    const urls = [
      `http://127.0.0.1:${internal.port}/`,
      "http://169.254.169.254/latest/meta-data/",
      "https://lookaside.fbsbx.com.attacker.test/x",
      `https://internal.attacker.test:${internal.port}/`,
    ];
    for (const [i, url] of urls.entries()) {
      const payload = structuredClone(base);
      payload.entry[0].messaging[0].message.mid = `attack-media-${i}-${crypto.randomUUID()}`;
      payload.entry[0].messaging[0].message.attachments[0].payload.url = url;
      const body = JSON.stringify(payload);
      const res = await h.fetch(
        new Request(`http://x/webhooks/instagram/${gw.channels.instagram.id}`, {
          method: "POST",
          headers: {
            "x-hub-signature-256": metaSignatureHeader(IG.app_secret, body),
            "content-type": "application/json",
          },
          body,
        }),
      );
      if (res.status !== 200) breaches.push(`instagram media ${url}: webhook answered ${res.status}`);
    }
    const until = Date.now() + 15_000;
    let rows: { attachments: { refused?: { code: string }; blob?: unknown }[] }[] = [];
    while (Date.now() < until) {
      rows = (await getDb()
        .sql`select attachments from messages where channel_id = ${gw.channels.instagram.id} and direction = 'in'`) as unknown as typeof rows;
      if (rows.length === urls.length && rows.every((r) => r.attachments[0]?.refused)) break;
      await Bun.sleep(50);
    }
    for (const row of rows) {
      if (row.attachments[0]?.blob) breaches.push("instagram media fetched from a foreign host");
      if (!row.attachments[0]?.refused) breaches.push("instagram media not marked refused");
    }
    if (rows.length !== urls.length) breaches.push(`${rows.length} of ${urls.length} media messages stored`);
    const dead = await getDb().sql`select 1 from jobs where tenant_id = ${gw.tenantId} and state = 'dead'`;
    if (dead.length > 0) breaches.push(`${dead.length} jobs dead-lettered instead of the refusals being recorded`);
    // Each message is still answered: its respond job ran (the media refusal does not hold it up).
    for (;;) {
      const [r] = await getDb()
        .sql`select count(*) filter (where state = 'done')::int as done, count(*)::int as n from jobs where tenant_id = ${gw.tenantId} and kind = 'respond'`;
      if ((r.n > 0 && r.done === r.n) || Date.now() > until) {
        if (r.n === 0 || r.done !== r.n) breaches.push(`respond jobs: ${r.done} of ${r.n} done`);
        break;
      }
      await Bun.sleep(50);
    }
    expect(internalHits).toBe(0);
  });

  test("the count: 0 breaches; nothing of B, the server or the internal service is searchable in A's brand", async () => {
    for (const secret of SECRETS) {
      const res = await (await h.call("GET", `/api/v1/brands/${a.brandId}/search?q=${secret}`, a.admin)).json();
      if (res.hits.length > 0) breaches.push(`${secret} searchable in A's brand`);
    }
    const sources = await (await h.call("GET", `/api/v1/brands/${a.brandId}/sources`, a.admin)).json();
    if (sources.data.length > 0) breaches.push(`A's brand holds ${sources.data.length} sources`);
    if (internalHits > 0) breaches.push(`the internal service got ${internalHits} requests`);
    // B's own knowledge is intact and B's admin still finds it: the attacks above were not no-ops by emptiness.
    const own = await (await h.call("GET", `/api/v1/brands/${b.brandId}/search?q=VICTIMSECRET`, b.admin)).json();
    expect(own.hits.length).toBeGreaterThan(0);
    expect(breaches).toEqual([]);
  });
});
