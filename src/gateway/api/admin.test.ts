import { expect, test } from "bun:test";
import { describeStores } from "../../../test/support/db";
import { seedEscalation } from "../../../test/support/escalation-seed";
import { gatewayHandler, WA } from "../../../test/support/gateway";

describeStores("admin API areas", (getDb) => {
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await gatewayHandler(getDb())(
      new Request(`http://x${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  test("channels: create (credentials checked, never shown), list, show, remove — audited", async () => {
    const s = await seedEscalation(getDb().db);
    const slug = (await getDb().sql`select slug from brands where id = ${s.brandId}`)[0].slug;
    const bad = await call("POST", "/api/v1/channels", s.admin, {
      brand: slug,
      provider: "whatsapp",
      credentials: { access_token: "x" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "channel.credentials_invalid", field: "phone_number_id" });
    expect(
      (await call("POST", "/api/v1/channels", s.admin, { brand: slug, provider: "fax", credentials: {} })).body.error,
    ).toMatchObject({ code: "api.invalid", field: "provider" });
    expect(
      (await call("POST", "/api/v1/channels", s.agent, { brand: slug, provider: "whatsapp", credentials: WA })).status,
    ).toBe(403);
    const made = await call("POST", "/api/v1/channels", s.admin, {
      brand: slug,
      provider: "whatsapp",
      credentials: { ...WA, phone_number_id: "900000001" },
      name: "Support line",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      provider: "whatsapp",
      name: "Support line",
      brand_id: s.brandId,
      webhook_path: `/webhooks/whatsapp/${made.body.id}`,
    });
    expect(JSON.stringify(made.body)).not.toContain(WA.access_token);
    const listed = await call("GET", `/api/v1/channels?brand=${slug}`, s.agent);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([s.channelId, made.body.id]);
    expect((await call("GET", `/api/v1/channels/${made.body.id}`, s.agent)).body.name).toBe("Support line");
    expect((await call("DELETE", `/api/v1/channels/${made.body.id}`, s.admin)).body).toEqual({
      removed: true,
      id: made.body.id,
    });
    expect((await call("GET", `/api/v1/channels/${made.body.id}`, s.admin)).status).toBe(404);
    const audit = await getDb().sql`select action from audit_log where subject_id = ${made.body.id} order by id`;
    expect(audit.map((a) => a.action)).toEqual(["channel.create", "channel.remove"]);
  });

  test("tokens: an admin issues agent tokens with expiry; revoked and expired tokens are refused; agents cannot issue", async () => {
    const s = await seedEscalation(getDb().db);
    const made = await call("POST", "/api/v1/tokens", s.admin, {
      role: "agent",
      tenant: s.tenantId,
      name: "carol",
      ttl: "30d",
    });
    expect(made.status).toBe(201);
    expect(made.body.token.split(".").length).toBe(3);
    const days = (Date.parse(made.body.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    expect((await call("GET", "/api/v1/me", made.body.token)).body).toMatchObject({
      name: "carol",
      role: "agent",
      tenant_id: s.tenantId,
    });
    expect(
      (await call("POST", "/api/v1/tokens", s.agent, { role: "admin", tenant: null, name: "escalate" })).status,
    ).toBe(403);
    expect(
      (await call("POST", "/api/v1/tokens", s.admin, { role: "agent", tenant: s.tenantId, name: "x", ttl: "soon" }))
        .body.error.field,
    ).toBe("ttl");
    const listed = await call("GET", `/api/v1/tokens?tenant=${s.tenantId}`, s.admin);
    expect(listed.body.data.map((t: { name: string }) => t.name).sort()).toEqual(["alice", "bob", "carol"]);
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);
    expect((await call("DELETE", `/api/v1/tokens/${made.body.id}`, s.admin)).body.revoked_at).toBeString();
    expect((await call("GET", "/api/v1/me", made.body.token)).status).toBe(401);
    const short = await call("POST", "/api/v1/tokens", s.admin, {
      role: "agent",
      tenant: s.tenantId,
      name: "brief",
      ttl: "1s",
    });
    await Bun.sleep(2100);
    const expired = await call("GET", "/api/v1/me", short.body.token);
    expect(expired).toMatchObject({ status: 401, body: { error: { message: "token expired" } } });
  });

  test("brands: persona and policies change with before/after in the audit log; bad input names the field", async () => {
    const s = await seedEscalation(getDb().db);
    const persona = { name: "Mia", tone: "warm", language: "de", directives: ["Sie-Form"] };
    const changed = await call("PATCH", `/api/v1/brands/${s.brandId}`, s.admin, {
      persona,
      policies: { guardrails: { blocked_topic: { topics: ["medical"] } } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.persona).toEqual(persona);
    const [entry] = await getDb()
      .sql`select before, after from audit_log where subject_id = ${s.brandId} and action = 'brand.update'`;
    expect(entry.before.persona.name).not.toBe("Mia");
    expect(entry.after).toMatchObject({
      persona,
      policies: { guardrails: { blocked_topic: { topics: ["medical"] } } },
    });
    const wrong = await call("PATCH", `/api/v1/brands/${s.brandId}`, s.admin, {
      persona: { ...persona, language: "" },
    });
    expect(wrong.body.error).toMatchObject({ code: "api.invalid", field: "persona.language" });
    // Wrong-typed or unknown policies are refused naming the key, and the stored policies stay as they were.
    for (const [policies, field, message] of [
      [{ min_confidence: "high" }, "policies.min_confidence", "policies.min_confidence: expected a number 0..1"],
      [
        { blocked_topics: ["medical"] },
        "policies.blocked_topics",
        "policies.blocked_topics: unknown key; known: holding_message, holding_messages, languages, min_confidence, attribution, guardrails, non_text",
      ],
    ] as const) {
      const refused = await call("PATCH", `/api/v1/brands/${s.brandId}`, s.admin, { policies });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: "api.invalid", field, message });
    }
    const [stored] = await getDb().sql`select policies from brands where id = ${s.brandId}`;
    expect(stored.policies).toEqual({ guardrails: { blocked_topic: { topics: ["medical"] } } });
    const audits = await getDb()
      .sql`select count(*)::int as n from audit_log where subject_id = ${s.brandId} and action = 'brand.update'`;
    expect(audits[0].n).toBe(1);
  });

  test("listings page by cursor without repeats and filter by status and time", async () => {
    const seeds = [];
    for (let i = 0; i < 5; i++) seeds.push(await seedEscalation(getDb().db));
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: Record<string, any> } = await call(
        "GET",
        `/api/v1/escalations?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        seeds[0].admin,
      );
      if (!res.body.data) throw new Error(JSON.stringify(res.body));
      ids.push(...res.body.data.map((e: { id: string }) => e.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of seeds) expect(ids).toContain(s.escalationId);
    const later = await call(
      "GET",
      `/api/v1/conversations?status=human&since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      seeds[0].admin,
    );
    expect(later.body.data).toEqual([]);
    const human = await call("GET", `/api/v1/conversations?status=human&tenant=${seeds[1].tenantId}`, seeds[0].admin);
    expect(human.body.data.map((c: { id: string }) => c.id)).toEqual([seeds[1].conversationId]);
    expect((await call("GET", "/api/v1/escalations?cursor=garbage", seeds[0].admin)).body.error).toMatchObject({
      code: "api.invalid",
      field: "cursor",
    });
    expect((await call("GET", "/api/v1/escalations?limit=0", seeds[0].admin)).body.error.field).toBe("limit");
    const audit = await call("GET", `/api/v1/audit?tenant=${seeds[2].tenantId}&limit=200`, seeds[0].admin);
    expect(audit.body.data[0].created_at >= audit.body.data.at(-1).created_at).toBe(true);
    expect(audit.body.data.map((a: { action: string }) => a.action)).toContain("tenant.create");
  });

  test("knowledge: ingest queues a job the tenant can follow; search needs q; sources list; jobs are tenant-scoped", async () => {
    const s = await seedEscalation(getDb().db);
    const other = await seedEscalation(getDb().db);
    // Agents read knowledge; changing it takes an admin (here the instance admin), uploading content.
    expect(
      (
        await call("POST", `/api/v1/brands/${s.brandId}/ingest`, s.agent, {
          files: [{ name: "faq.md", text: "# FAQ" }],
        })
      ).status,
    ).toBe(403);
    const queued = await call("POST", `/api/v1/brands/${s.brandId}/ingest`, s.admin, {
      files: [{ name: "faq.md", text: "# FAQ" }],
    });
    expect(queued.status).toBe(202);
    expect(queued.body.brand_id).toBe(s.brandId);
    const job = await call("GET", `/api/v1/jobs/${queued.body.job_id}`, s.agent);
    expect(job.body).toMatchObject({ kind: "ingest", state: "queued" });
    expect((await call("GET", `/api/v1/jobs/${queued.body.job_id}`, other.agent)).status).toBe(404);
    expect(
      (await call("POST", `/api/v1/brands/${s.brandId}/ingest`, s.admin, { inputs: [] })).body.error,
    ).toMatchObject({ code: "knowledge.nothing_to_ingest", field: "body" });
    expect(
      (await call("POST", `/api/v1/brands/${s.brandId}/ingest`, s.admin, { inputs: ["faq.md"] })).body.error,
    ).toMatchObject({ code: "knowledge.server_path_refused", field: "inputs.0" });
    expect((await call("GET", `/api/v1/brands/${s.brandId}/search`, s.agent)).body.error).toMatchObject({
      code: "api.invalid",
      field: "q",
    });
    expect((await call("GET", `/api/v1/brands/${s.brandId}/search?q=refund`, s.agent)).status).toBe(200);
    expect((await call("GET", `/api/v1/brands/${s.brandId}/sources`, s.agent)).body).toEqual({ data: [] });
  });

  test("the OpenAPI 3.1 document describes every operation with its schemas and needs no token", async () => {
    const doc = (await call("GET", "/api/v1/openapi.json", null)).body;
    expect(doc.openapi).toBe("3.1.0");
    const ops = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThan(30);
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    const post = doc.paths["/api/v1/channels"].post;
    expect(post.requestBody.content["application/json"].schema.required).toEqual(["brand", "provider", "credentials"]);
    expect(doc.paths["/api/v1/escalations/{id}/approve"].post.parameters[0]).toMatchObject({
      name: "id",
      in: "path",
      required: true,
    });
    expect(doc.paths["/api/v1/escalations"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["limit", "cursor", "since", "until", "state", "tenant"]),
    );
    expect(doc.components.schemas.Error.properties.error.required).toEqual(["code", "message", "request_id"]);
  });
});
