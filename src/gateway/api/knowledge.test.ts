import { afterAll, afterEach, beforeEach, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { describeStores } from "../../../test/support/db";
import { gatewayHandler, INSTANCE_KEY } from "../../../test/support/gateway";
import {
  knowledgeApiHarness,
  seedKnowledgeTenant,
  type KnowledgeApiHarness,
} from "../../../test/support/knowledge-api";
import { buildPdf } from "../../../test/support/knowledge-fixtures";
import { createKnowledgeBackend } from "../../app/knowledge";
import { chunkDocument } from "../../rag";
import { BlobStore } from "../../runtime";
import { transaction } from "../../runtime/db";
import { EgressGuard } from "../../runtime/net";
import { createBrand, createTenant, issueToken } from "../../tenancy";

const site = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) =>
    new URL(req.url).pathname === "/robots.txt"
      ? new Response("User-agent: *\nAllow: /\n")
      : new Response("<main><h1>Hours</h1><p>The shop opens at nine.</p></main>", {
          headers: { "content-type": "text/html" },
        }),
});
afterAll(() => site.stop(true));

const blobCount = (dir: string) => readdirSync(dir, { recursive: true }).filter((f) => String(f).length > 60).length;

describeStores("knowledge API isolation", (getDb) => {
  test("an agent of one tenant cannot search, list, remove or ingest another tenant's knowledge, by id, slug or name", async () => {
    const db = getDb();
    const { b, brandB, agentA, adminToken } = await transaction(db.db, async ({ tx }) => {
      const a = await createTenant(tx, `ka-${crypto.randomUUID()}`, "test");
      const b = await createTenant(tx, `kb-${crypto.randomUUID()}`, "test");
      await createBrand(tx, a.id, "Shared Name", "test");
      const brandB = await createBrand(tx, b.id, "Secret Shop", "test");
      const agentA = await issueToken(tx, INSTANCE_KEY, { role: "agent", tenant_id: a.id, name: "a" }, "test");
      const admin = await issueToken(tx, INSTANCE_KEY, { role: "admin", tenant_id: null, name: "admin" }, "test");
      return { a, b, brandB, agentA: agentA.token, adminToken: admin.token };
    });
    const backend = createKnowledgeBackend(() => db.db);
    const chunks = chunkDocument(
      { sections: [{ kind: "paragraph", text: "The supplier discount code is SECRET42.", headingPath: [] }] },
      { source: "internal.md" },
    );
    await backend.upsertSource({
      scope: { tenant_id: b.id, brand_id: brandB.id },
      meta: { source: "internal.md", hash: "h", format: "markdown", title: "internal" },
      chunks,
    });
    const fetch = gatewayHandler(db);
    const call = (method: string, path: string, token: string, body?: unknown) =>
      fetch(
        new Request(`http://x${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: body ? JSON.stringify(body) : undefined,
        }),
      );
    for (const ref of [brandB.id, brandB.slug, "Secret Shop"]) {
      const r = encodeURIComponent(ref);
      expect((await call("GET", `/api/v1/brands/${r}/search?q=supplier+discount`, agentA)).status).toBe(404);
      expect((await call("GET", `/api/v1/brands/${r}/sources`, agentA)).status).toBe(404);
      expect((await call("DELETE", `/api/v1/brands/${r}/sources?source=internal.md`, agentA)).status).toBe(404);
      expect(
        (await call("POST", `/api/v1/brands/${r}/ingest`, agentA, { files: [{ name: "x.md", text: "# x" }] })).status,
      ).toBe(404);
    }
    // The admin sees it; the data is really there, so the 404s above are isolation, not emptiness.
    const admin = await (
      await call("GET", `/api/v1/brands/${brandB.id}/search?q=supplier+discount`, adminToken)
    ).json();
    expect(admin.hits[0].chunk.text).toContain("SECRET42");
    const ingest = await (
      await call("POST", `/api/v1/brands/${brandB.id}/ingest`, adminToken, { files: [{ name: "x.md", text: "# x" }] })
    ).json();
    expect((await call("GET", `/api/v1/jobs/${ingest.job_id}`, agentA)).status).toBe(404); // another tenant's job
    expect((await call("GET", `/api/v1/jobs/${ingest.job_id}`, adminToken)).status).toBe(200);
  });
});

describeStores("knowledge API ingest", (getDb) => {
  // One harness (gateway + job runner) per test, so a test's own egress policy is the only one running jobs.
  let h: KnowledgeApiHarness;
  beforeEach(() => {
    h = knowledgeApiHarness(getDb());
  });
  afterEach(() => h.stop());

  test("uploaded .md and .pdf (JSON) and a multipart file are ingested from the blob store and become searchable", async () => {
    const t = await seedKnowledgeTenant(getDb(), "up");
    const pdf = buildPdf([["Warranty", "Every kite carries a two year warranty."]], "Warranty");
    const res = await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, {
      files: [
        { name: "faq/returns.md", text: "# Returns\n\nReturns are accepted within 30 days.\n" },
        { name: "warranty.pdf", content_base64: Buffer.from(pdf).toString("base64") },
      ],
    });
    expect(res.status).toBe(202);
    const { job_id } = await res.json();
    // The job names blobs; the bodies are in the blob store, not in the queue.
    const [row] = await getDb().sql`select payload from jobs where id = ${job_id}`;
    expect(row.payload.files.map((f: { name: string }) => f.name)).toEqual(["faq/returns.md", "warranty.pdf"]);
    expect(JSON.stringify(row.payload)).not.toContain("Returns are accepted");
    expect(h.blobs.read(row.payload.files[1].blob)).toEqual(pdf);
    const job = await h.job(job_id, t.admin);
    expect(job.state).toBe("done");
    expect(job.progress?.summary?.added.sort()).toEqual(["faq/returns.md", "warranty.pdf"]);

    const form = new FormData();
    form.append(
      "file",
      new File(["Parcels ship within two working days."], "shipping/times.txt", { type: "text/plain" }),
    );
    const multipart = await h.upload(`/api/v1/brands/${t.brandId}/ingest`, t.admin, form);
    expect(multipart.status).toBe(202);
    expect((await h.job((await multipart.json()).job_id, t.admin)).progress?.summary?.added).toEqual([
      "shipping/times.txt",
    ]);

    for (const [q, source] of [
      ["returns accepted days", "faq/returns.md"],
      ["two year warranty", "warranty.pdf"],
      ["parcels ship working days", "shipping/times.txt"],
    ]) {
      const found = await (
        await h.call("GET", `/api/v1/brands/${t.brandId}/search?q=${encodeURIComponent(q)}`, t.agent)
      ).json();
      expect(found.hits[0].chunk.source).toBe(source);
    }
  });

  test("server paths are a 400 naming the fix, bad upload names a 400; nothing is queued, stored or audited", async () => {
    const t = await seedKnowledgeTenant(getDb(), "path");
    const before = blobCount(h.blobDir);
    for (const input of ["/etc/passwd", "./docs", "faq.md", "file:///etc/hostname", "C:\\docs"]) {
      const res = await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, {
        inputs: [input],
        files: [{ name: "ok.md", text: "# fine" }],
      });
      expect(res.status, input).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe("knowledge.server_path_refused");
      expect(error.message).toContain("Upload the file");
    }
    for (const name of [
      "/etc/passwd",
      "../../etc/passwd",
      "a/../../b.md",
      "https://x.test/a.md",
      "a\\b.md",
      "dup.md",
    ]) {
      const files =
        name === "dup.md"
          ? [
              { name, text: "a" },
              { name, text: "b" },
            ]
          : [{ name, text: "x" }];
      const res = await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, { files });
      expect((await res.json()).error.code, name).toBe("knowledge.upload_name_invalid");
    }
    expect((await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, {})).status).toBe(400);
    // Names and URLs PostgreSQL cannot store (an unpaired surrogate) are a 400, not a 500 at the insert (found by the fuzz suite).
    const lone = await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, {
      inputs: [],
      keep: ["x\udfffy"],
    });
    expect([lone.status, (await lone.json()).error.code]).toEqual([400, "knowledge.upload_name_invalid"]);
    const loneUrl = await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, {
      inputs: ["https://shop.example/\ud800"],
    });
    expect([loneUrl.status, (await loneUrl.json()).error.code]).toEqual([400, "http.request_invalid"]);
    expect(blobCount(h.blobDir)).toBe(before);
    expect((await getDb().sql`select 1 from jobs where tenant_id = ${t.tenantId}`).length).toBe(0);
    expect(
      (await getDb().sql`select 1 from audit_log where tenant_id = ${t.tenantId} and action = 'knowledge.ingest'`)
        .length,
    ).toBe(0);
  });

  test("agents read knowledge but may not change it: 403 on ingest and on source removal", async () => {
    const t = await seedKnowledgeTenant(getDb(), "agent");
    const { job_id } = await (
      await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, {
        files: [{ name: "a.md", text: "# Alpha\n\nAlpha answers." }],
      })
    ).json();
    await h.job(job_id, t.admin);
    const ingest = await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.agent, {
      files: [{ name: "b.md", text: "# Beta" }],
    });
    expect(ingest.status).toBe(403);
    expect((await ingest.json()).error.code).toBe("auth.forbidden");
    expect((await h.call("DELETE", `/api/v1/brands/${t.brandId}/sources?source=a.md`, t.agent)).status).toBe(403);
    const sources = await (await h.call("GET", `/api/v1/brands/${t.brandId}/sources`, t.agent)).json();
    expect(sources.data.map((s: { source: string }) => s.source)).toEqual(["a.md"]);
    expect((await getDb().sql`select 1 from jobs where tenant_id = ${t.tenantId}`).length).toBe(1);
  });

  test("a URL on loopback is refused at once (egress.blocked); an operator's egress.allow_cidrs lets the job crawl it", async () => {
    const t = await seedKnowledgeTenant(getDb(), "url");
    const url = `http://127.0.0.1:${site.port}/`;
    const refused = await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, { inputs: [url] });
    expect(refused.status).toBe(400);
    const { error } = await refused.json();
    expect(error.code).toBe("egress.blocked");
    expect(error.message).toContain("egress.allow_cidrs");
    expect((await getDb().sql`select 1 from jobs where tenant_id = ${t.tenantId}`).length).toBe(0);

    await h.stop();
    h = knowledgeApiHarness(getDb(), new EgressGuard({ allowCidrs: ["127.0.0.1/32"] }));
    const res = await h.call("POST", `/api/v1/brands/${t.brandId}/ingest`, t.admin, {
      inputs: [url],
      crawl: { max_pages: 1, max_depth: 0 },
    });
    expect(res.status).toBe(202);
    expect((await h.job((await res.json()).job_id, t.admin)).progress?.summary?.added).toEqual([url]);
  });

  test("the ingest route has its own body limit (server.upload_limit_bytes), above the general one", async () => {
    const t = await seedKnowledgeTenant(getDb(), "big");
    const fetch = gatewayHandler(getDb(), 64 << 10, { uploadLimitBytes: 512 << 10, blobs: new BlobStore(h.blobDir) });
    const post = (size: number) =>
      fetch(
        new Request(`http://x/api/v1/brands/${t.brandId}/ingest`, {
          method: "POST",
          headers: { authorization: `Bearer ${t.admin}`, "content-type": "application/json" },
          body: JSON.stringify({ files: [{ name: "big.txt", text: "a ".repeat(size / 2) }] }),
        }),
      );
    expect((await post(256 << 10)).status).toBe(202);
    const tooBig = await post(1 << 20);
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.message).toContain(`${512 << 10} bytes`);
  });
});
