import { expect, test } from "bun:test";
import { describeStores } from "../../../test/support/db";
import { gatewayHandler, INSTANCE_KEY } from "../../../test/support/gateway";
import { createKnowledgeBackend } from "../../app/knowledge";
import { chunkDocument } from "../../rag";
import { transaction } from "../../runtime/db";
import { createBrand, createTenant, issueToken } from "../../tenancy";

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
    const chunks = chunkDocument({ sections: [{ kind: "paragraph", text: "The supplier discount code is SECRET42.", headingPath: [] }] }, { source: "internal.md" });
    await backend.upsertSource({ scope: { tenant_id: b.id, brand_id: brandB.id }, meta: { source: "internal.md", hash: "h", format: "markdown", title: "internal" }, chunks });
    const fetch = gatewayHandler(db);
    const call = (method: string, path: string, token: string, body?: unknown) =>
      fetch(new Request(`http://x${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined }));
    for (const ref of [brandB.id, brandB.slug, "Secret Shop"]) {
      const r = encodeURIComponent(ref);
      expect((await call("GET", `/api/v1/brands/${r}/search?q=supplier+discount`, agentA)).status).toBe(404);
      expect((await call("GET", `/api/v1/brands/${r}/sources`, agentA)).status).toBe(404);
      expect((await call("DELETE", `/api/v1/brands/${r}/sources?source=internal.md`, agentA)).status).toBe(404);
      expect((await call("POST", `/api/v1/brands/${r}/ingest`, agentA, { inputs: ["/etc"] })).status).toBe(404);
    }
    // The admin sees it; the data is really there, so the 404s above are isolation, not emptiness.
    const admin = await (await call("GET", `/api/v1/brands/${brandB.id}/search?q=supplier+discount`, adminToken)).json();
    expect(admin.hits[0].chunk.text).toContain("SECRET42");
    const ingest = await (await call("POST", `/api/v1/brands/${brandB.id}/ingest`, adminToken, { inputs: ["/nonexistent"] })).json();
    expect((await call("GET", `/api/v1/jobs/${ingest.job_id}`, agentA)).status).toBe(404); // another tenant's job
    expect((await call("GET", `/api/v1/jobs/${ingest.job_id}`, adminToken)).status).toBe(200);
  });
});
