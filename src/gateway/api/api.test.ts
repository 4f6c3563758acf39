import { expect, test } from "bun:test";
import { describeStores } from "../../../test/support/db";
import { gatewayHandler, INSTANCE_KEY } from "../../../test/support/gateway";
import { eq } from "drizzle-orm";
import { schema, transaction } from "../../runtime/db";
import { createBrand, createTenant, issueToken } from "../../tenancy";

const KEY = INSTANCE_KEY;

describeStores("admin API auth", (getDb) => {
  const setup = async () => {
    const { db } = getDb();
    return transaction(db, async ({ tx }) => {
      const a = await createTenant(tx, `a-${crypto.randomUUID()}`, "test");
      const b = await createTenant(tx, `b-${crypto.randomUUID()}`, "test");
      await createBrand(tx, a.id, "Brand A", "test");
      const admin = await issueToken(tx, KEY, { role: "admin", tenant_id: null, name: "admin" }, "test");
      const agentA = await issueToken(tx, KEY, { role: "agent", tenant_id: a.id, name: "agent a" }, "test");
      const expired = await issueToken(
        tx,
        KEY,
        { role: "admin", tenant_id: null, name: "old", ttl_seconds: -10 },
        "test",
      );
      return { a, b, admin, agentA, expired };
    });
  };
  const handler = () => gatewayHandler(getDb(), 1 << 20, { status: async () => ({ ok: true }) });
  const get = (path: string, token?: string) =>
    handler()(new Request(`http://x${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));

  test("401 without a token, with a forged, expired or revoked one", async () => {
    const { admin, expired } = await setup();
    expect((await get("/api/v1/tenants")).status).toBe(401);
    expect((await get("/api/v1/tenants", "not.a.jwt")).status).toBe(401);
    const forged = admin.token.slice(0, -4) + (admin.token.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await get("/api/v1/tenants", forged)).status).toBe(401);
    const exp = await get("/api/v1/tenants", expired.token);
    expect(exp.status).toBe(401);
    expect((await exp.json()).error.message).toBe("token expired");
    await getDb().db.update(schema.tokens).set({ revoked_at: new Date() });
    expect((await get("/api/v1/tenants", admin.token)).status).toBe(401);
  });

  test("a token signed with another instance key is rejected", async () => {
    const other = await transaction(getDb().db, ({ tx }) =>
      issueToken(tx, "another-instance-key-0123456789abcdefgh", { role: "admin", tenant_id: null, name: "x" }, "test"),
    );
    expect((await get("/api/v1/tenants", other.token)).status).toBe(401);
  });

  test("an admin sees every tenant; an agent only its own and no instance status", async () => {
    const { a, b, admin, agentA } = await setup();
    const all = (await (await get("/api/v1/tenants", admin.token)).json()).data.map((t: { id: string }) => t.id);
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
    const mine = (await (await get("/api/v1/tenants", agentA.token)).json()).data.map((t: { id: string }) => t.id);
    expect(mine).toEqual([a.id]);
    expect((await get("/api/v1/status", agentA.token)).status).toBe(403);
    expect((await get("/api/v1/status", admin.token)).status).toBe(200);
  });

  test("issuing tokens is audited; an agent token without a tenant is refused", async () => {
    const { admin } = await setup();
    const rows = await getDb().sql`select action, subject_id from audit_log where subject_id = ${admin.id}`;
    expect(rows.map((r) => r.action)).toEqual(["token.create"]);
    await expect(
      transaction(getDb().db, ({ tx }) => issueToken(tx, KEY, { role: "agent", tenant_id: null, name: "x" }, "test")),
    ).rejects.toMatchObject({ code: "token.tenant_required" });
  });
});

describeStores("admin API: automations", (getDb) => {
  test("a PATCH that changes nothing answers the automation as it is (was a 500), and audits nothing", async () => {
    const { db } = getDb();
    const { admin, automation } = await transaction(db, async ({ tx }) => {
      const t = await createTenant(tx, `auto-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, t.id, "Auto Brand", "test");
      const [automation] = await tx
        .insert(schema.automations)
        .values({
          id: `aut_${crypto.randomUUID().replace(/-/g, "").slice(0, 22)}`,
          tenant_id: t.id,
          brand_id: brand.id,
          kind: "follow_up",
          schedule: "0 9 * * *",
        })
        .returning();
      const admin = await issueToken(tx, KEY, { role: "admin", tenant_id: null, name: "admin" }, "test");
      return { admin, automation };
    });
    const handler = gatewayHandler(getDb(), 1 << 20, { status: async () => ({ ok: true }) });
    const patch = (body: unknown) =>
      handler(
        new Request(`http://x/api/v1/automations/${automation.id}`, {
          method: "PATCH",
          headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const empty = await patch({});
    expect(empty.status).toBe(200);
    expect(await empty.json()).toMatchObject({ id: automation.id, enabled: automation.enabled, schedule: "0 9 * * *" });
    expect(await db.select().from(schema.auditLog).where(eq(schema.auditLog.subject_id, automation.id))).toEqual([]);
    const changed = await patch({ schedule: "30 8 * * *" });
    expect(changed.status).toBe(200);
    expect((await changed.json()).schedule).toBe("30 8 * * *");
  });
});

describeStores("admin API: automations that run or are refused", (getDb) => {
  test("a kind xin does not run, a config its kind does not take, a seconds schedule: 400 naming it, nothing stored; a follow-up is accepted, shown and run on request", async () => {
    const { db } = getDb();
    const { admin, brand } = await transaction(db, async ({ tx }) => {
      const t = await createTenant(tx, `run-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, t.id, "Run Brand", "test");
      const admin = await issueToken(tx, KEY, { role: "admin", tenant_id: null, name: "admin" }, "test");
      return { admin, brand };
    });
    const handler = gatewayHandler(getDb(), 1 << 20, { status: async () => ({ ok: true }) });
    const call = (method: string, path: string, body?: unknown) =>
      handler(
        new Request(`http://x${path}`, {
          method,
          headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    const create = (body: Record<string, unknown>) =>
      call("POST", "/api/v1/automations", { brand: brand.id, schedule: "0 9 * * *", ...body });
    const refused = async (body: Record<string, unknown>) => {
      const res = await create(body);
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    const good = { after_hours: 4, text: "Anything else I can help with?" };
    expect(await refused({ kind: "sla_reminder", config: {} })).toBe(
      "kind: automation kind 'sla_reminder' is not implemented yet; xin runs: follow_up, close_idle, retention_purge",
    );
    expect(await refused({ kind: "nudge" })).toContain("unknown automation kind 'nudge'");
    expect(await refused({ kind: "follow_up", config: { text: "hi" } })).toStartWith("config.after_hours: ");
    expect(await refused({ kind: "follow_up", config: { ...good, after_hours: -1 } })).toStartWith(
      "config.after_hours: ",
    );
    expect(await refused({ kind: "follow_up", config: { ...good, extra: 1 } })).toStartWith("config.extra: ");
    expect(await refused({ kind: "follow_up", config: good, schedule: "*/5 * * * * *" })).toStartWith(
      "schedule: use five cron fields",
    );
    expect(await db.select().from(schema.automations).where(eq(schema.automations.brand_id, brand.id))).toEqual([]);

    const created = await create({ kind: "follow_up", config: good });
    expect(created.status).toBe(201);
    const row = (await created.json()) as { id: string };
    const shown = await call("GET", `/api/v1/automations/${row.id}`);
    expect(await shown.json()).toMatchObject({ id: row.id, kind: "follow_up", config: good, last_run_at: null });
    const run = await call("POST", `/api/v1/automations/${row.id}/run`);
    expect(run.status).toBe(202);
    const { job_id } = (await run.json()) as { job_id: number };
    const [job] = await db.select().from(schema.jobs).where(eq(schema.jobs.id, job_id));
    expect(job).toMatchObject({
      kind: "automation.run",
      payload: { automation_id: row.id, manual: true, actor: expect.any(String) },
    });
    expect((await call("POST", "/api/v1/automations/aut_missing/run")).status).toBe(404);
  });
});
