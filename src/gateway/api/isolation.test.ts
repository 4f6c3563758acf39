// Tenant isolation, generated from the OpenAPI document: every described operation is called with
// tenant A's tokens (an agent, and a tenant-scoped admin) on tenant B's objects, and must answer 403 or
// 404 — or, for a listing that cannot name a tenant, answer without a trace of B. A new route is
// covered the moment it is defined; a route with an id of a kind this test cannot fill fails it.
import { expect, test } from "bun:test";
import { describeStores } from "../../../test/support/db";
import { seedEscalation, type Seeded } from "../../../test/support/escalation-seed";
import { gatewayApp, gatewayHandler, INSTANCE_KEY, WA } from "../../../test/support/gateway";
import { newId } from "../../runtime";
import { schema, transaction } from "../../runtime/db";
import { issueToken } from "../../tenancy";

type Operation = {
  parameters: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  "x-resource"?: string;
};
type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; required?: string[] };

/** Routes served but not (yet) described in the document: listed here so none escapes the check. */
const UNDESCRIBED: Record<string, { resource?: string }> = {
  "GET /api/v1/openapi.json": {},
};

describeStores("tenant isolation on every admin route", (getDb) => {
  const setup = async () => {
    const a = await seedEscalation(getDb().db);
    const b = await seedEscalation(getDb().db);
    const extra = await transaction(getDb().db, async (ctx) => {
      const [automation] = await ctx.tx
        .insert(schema.automations)
        .values({
          id: newId("aut"),
          tenant_id: b.tenantId,
          brand_id: b.brandId,
          kind: "follow_up",
          schedule: "0 9 * * *",
        })
        .returning();
      const [job] = await ctx.tx
        .insert(schema.jobs)
        .values({ kind: "ingest", tenant_id: b.tenantId, max_attempts: 1, payload: {} })
        .returning();
      const tokenB = await issueToken(
        ctx.tx,
        INSTANCE_KEY,
        { role: "agent", tenant_id: b.tenantId, name: "b-agent" },
        "test",
      );
      const adminA = await issueToken(
        ctx.tx,
        INSTANCE_KEY,
        { role: "admin", tenant_id: a.tenantId, name: "a-admin" },
        "test",
      );
      return { automation: automation.id, job: String(job.id), tokenB: tokenB.id, adminA: adminA.token };
    });
    return { a, b, ...extra };
  };

  const idOf = (
    b: Seeded,
    extra: { automation: string; job: string; tokenB: string },
    resource: string | undefined,
  ): string => {
    const ids: Record<string, string> = {
      escalation: b.escalationId,
      channel: b.channelId,
      brand: b.brandId,
      conversation: b.conversationId,
      contact: b.contactId,
      tenant: b.tenantId,
      automation: extra.automation,
      token: extra.tokenB,
      job: extra.job,
    };
    const id = resource ? ids[resource] : undefined;
    if (!id) throw new Error(`no tenant-B object of kind ${resource}: add it to the isolation test`);
    return id;
  };

  /** A plausible body: every property filled, ids pointing at tenant B. */
  const bodyFor = (schemaOf: JsonSchema | undefined, b: Seeded): Record<string, unknown> | undefined => {
    if (!schemaOf) return undefined;
    const values: Record<string, unknown> = {
      brand: b.brandId,
      tenant: b.tenantId,
      provider: "whatsapp",
      credentials: { ...WA, phone_number_id: "555000111" },
      name: "intruder",
      text: "hello from A",
      role: "agent",
      question: "When are you open?",
      history: [],
      attachments: [],
      inputs: ["https://shop.example.com/"],
      files: [{ name: "faq.md", text: "x" }],
      keep: [],
      prune: false,
      passage: 0,
      crawl: { max_pages: 5, max_depth: 1 },
      kind: "follow_up",
      schedule: "0 9 * * *",
      enabled: false,
      settings: {},
      config: {},
      ttl: "1d",
      persona: { name: "x", tone: "x", language: "en", directives: [] },
      policies: {},
      widget: {},
    };
    return Object.fromEntries(Object.keys(schemaOf.properties ?? {}).map((k) => [k, values[k] ?? "x"]));
  };

  // The routes whose work the app does are served with stand-ins that must never be reached from tenant
  // A: each throws, so a route that let the call through answers 500 and is listed as a leak.
  const unreachable = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} reached for another tenant's object`);
  };
  const appRoutes = {
    ask: { ask: unreachable("ask") },
    channelOps: {
      test: unreachable("channel test"),
      connect: unreachable("channel connect"),
      webhook: unreachable("channel webhook"),
    },
    backup: { create: unreachable("backup") },
    report: { activity: unreachable("report"), gaps: unreachable("knowledge gaps") },
  };
  const handler = () => gatewayHandler(getDb(), 1 << 20, appRoutes);

  test("tenant A's agent and tenant admin get 403/404 for every operation on tenant B", async () => {
    const { a, b, adminA, ...extra } = await setup();
    const { router } = gatewayApp(getDb(), 1 << 20, appRoutes);
    const doc = (await (await handler()(new Request("http://x/api/v1/openapi.json"))).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const described = new Set<string>();
    const calls: { method: string; path: string; op?: Operation; resource?: string }[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const routerPath = path.replace(/\{(\w+)\}/g, ":$1");
        described.add(`${method.toUpperCase()} ${routerPath}`);
        calls.push({ method: method.toUpperCase(), path: routerPath, op, resource: op["x-resource"] });
      }
    }
    expect(calls.length).toBeGreaterThan(30);
    for (const route of router.list().filter((r) => r.pattern.startsWith("/api/"))) {
      const key = `${route.method} ${route.pattern}`;
      if (described.has(key)) continue;
      expect(UNDESCRIBED[key], `${key} is neither described nor listed in UNDESCRIBED`).toBeDefined();
      if (UNDESCRIBED[key].resource)
        calls.push({ method: route.method, path: route.pattern, resource: UNDESCRIBED[key].resource });
    }

    const leaks: string[] = [];
    for (const token of [a.agent, adminA]) {
      for (const call of calls) {
        // The first path parameter names the resource; any later one (a file's digest) a plausible value.
        let first = true;
        const path = call.path.replace(/:(\w+)/g, () =>
          first ? ((first = false), idOf(b, extra, call.resource)) : "0".repeat(64),
        );
        const query = new URLSearchParams();
        if (call.op?.parameters.some((p) => p.name === "tenant")) query.set("tenant", b.tenantId);
        for (const p of call.op?.parameters ?? []) if (p.in === "query" && p.required) query.set(p.name, "x");
        const tenantParam = query.size ? `?${query}` : "";
        const body = bodyFor(call.op?.requestBody?.content["application/json"].schema, b);
        const res = await handler()(
          new Request(`http://x${path}${tenantParam}`, {
            method: call.method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: body ? JSON.stringify(body) : undefined,
          }),
        );
        const text = await res.text();
        if (res.status === 403 || res.status === 404) continue;
        const hasTrace = [b.tenantId, b.brandId, b.channelId, b.escalationId, b.conversationId, b.contactId].some(
          (id) => text.includes(id),
        );
        if (res.status >= 300 || hasTrace || call.resource || tenantParam)
          leaks.push(`${call.method} ${path}${tenantParam} -> ${res.status}`);
      }
    }
    expect(leaks).toEqual([]);

    // Nothing of B changed: the escalation is still open, the channel still there, nothing was sent.
    const [esc] = await getDb().sql`select state from escalations where id = ${b.escalationId}`;
    expect(esc.state).toBe("open");
    expect((await getDb().sql`select 1 from channels where id = ${b.channelId}`).length).toBe(1);
    expect(
      (await getDb().sql`select 1 from messages where conversation_id = ${b.conversationId} and direction = 'out'`)
        .length,
    ).toBe(0);
    expect((await getDb().sql`select revoked_at from tokens where id = ${extra.tokenB}`)[0].revoked_at).toBeNull();
    // Two tokens times every route, each a real request on the store: ~2 s on an idle machine, past bun's
    // 5 s default on a loaded one (a fresh clone's run was red twice for that alone).
  }, 60_000);
});
