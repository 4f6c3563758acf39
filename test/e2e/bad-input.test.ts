// Issue 17 point 4 and issue 13's wrong-typed payloads: every kind of bad input an outside tester turned
// into a 500 is a 4xx with a stable code, and nothing is written — counted on every table, on both
// stores. A signed payload that passes every check but that the store can never hold is acknowledged
// and dead-lettered instead of retried by the provider forever.
import { beforeAll, expect, test } from "bun:test";
import { createMetrics } from "../../src/runtime/metrics";
import { instagramBody, signedWebhook, storeSnapshot, telegramBody, whatsappBody } from "../support/bad-input";
import { describeStores } from "../support/db";
import { seedEscalation, type Seeded } from "../support/escalation-seed";
import { gatewayHandler, setupGateway, type GatewayFixture } from "../support/gateway";
import { setupWidgetSite, type WidgetSiteFixture } from "../support/widget";

const SITE = "https://shop.example";

type Case = [name: string, request: () => Request, status: number, code: string];

describeStores("bad input is a 4xx and writes nothing", (getDb) => {
  let gw: GatewayFixture;
  let seeded: Seeded;
  let site: WidgetSiteFixture;
  const metrics = createMetrics();
  let fetch: (req: Request) => Promise<Response>;
  beforeAll(async () => {
    gw = await setupGateway(getDb());
    seeded = await seedEscalation(getDb().db);
    site = await setupWidgetSite(getDb(), [SITE]);
    fetch = gatewayHandler(getDb(), 1 << 20, { metrics });
  }, 30_000);
  const admin = (method: string, path: string, body?: string) =>
    new Request(`http://x${path}`, {
      method,
      headers: { authorization: `Bearer ${seeded.admin}`, "content-type": "application/json" },
      body,
    });
  const widget = (path: string, body: string) =>
    new Request(`http://x${path}`, { method: "POST", headers: { origin: SITE, "content-type": "text/plain" }, body });
  const wa = (message: Record<string, unknown>) =>
    signedWebhook("whatsapp", gw.channels.whatsapp.id, whatsappBody(message));
  const tg = (message: Record<string, unknown>) =>
    signedWebhook("telegram", gw.channels.telegram.id, telegramBody(message));
  const ig = (event: Record<string, unknown>) =>
    signedWebhook("instagram", gw.channels.instagram.id, instagramBody(event));

  const cases: Case[] = [
    // NUL, bad escapes and unpaired surrogates in the request target.
    ["NUL in the widget's brand query", () => widget("/widget/sync?brand=%00", "{}"), 400, "http.request_invalid"],
    ["NUL in embed.js's brand query", () => new Request("http://x/embed.js?brand=%00"), 400, "http.request_invalid"],
    ["NUL in the demo page path", () => new Request("http://x/demo/%00"), 400, "http.request_invalid"],
    [
      "NUL after a webhook's channel id (signed)",
      () => signedWebhook("whatsapp", gw.channels.whatsapp.id, whatsappBody({}), { suffix: "%00" }),
      400,
      "http.request_invalid",
    ],
    [
      "a broken escape in a webhook path",
      () => signedWebhook("telegram", gw.channels.telegram.id, telegramBody({}), { suffix: "%E0%A4%A" }),
      400,
      "http.request_invalid",
    ],
    [
      "an encoded lone surrogate in a query",
      () => admin("GET", "/api/v1/conversations?tenant=%ED%A0%80"),
      400,
      "http.request_invalid",
    ],
    [
      "NUL in an admin query",
      () => admin("GET", `/api/v1/escalations?tenant=${seeded.tenantId}%00`),
      400,
      "http.request_invalid",
    ],
    ["NUL in a query key", () => admin("GET", "/api/v1/brands?%00=1"), 400, "http.request_invalid"],
    // JSON bodies.
    [
      "NUL in an admin JSON body",
      () => admin("PATCH", `/api/v1/brands/${seeded.brandId}`, JSON.stringify({ name: "Shop\u0000" })),
      400,
      "http.request_invalid",
    ],
    [
      "a lone surrogate in an admin JSON body",
      () => admin("PATCH", `/api/v1/brands/${seeded.brandId}`, '{"name":"Shop \\ud800"}'),
      400,
      "http.request_invalid",
    ],
    [
      "a lone surrogate in a JSON key",
      () => admin("POST", "/api/v1/tenants", '{"name":"t","\\udc00":1}'),
      400,
      "http.request_invalid",
    ],
    [
      "JSON nested 10,000 deep",
      () => admin("POST", "/api/v1/tenants", `{"name":${"[".repeat(10_000)}${"]".repeat(10_000)}}`),
      400,
      "http.request_invalid",
    ],
    [
      "NUL in widget text",
      () =>
        widget(
          `/widget/send?brand=${site.brandId}`,
          JSON.stringify({ token: "", type: "send", id: "client-0001", text: "hi\u0000" }),
        ),
      400,
      "http.request_invalid",
    ],
    [
      "a lone surrogate in widget text",
      () =>
        widget(
          `/widget/send?brand=${site.brandId}`,
          '{"token":"","type":"send","id":"client-0002","text":"hi \\ud83d"}',
        ),
      400,
      "http.request_invalid",
    ],
    // Out-of-range dates and numbers in signed provider payloads.
    ["Telegram date 1e308", () => tg({ date: 1e308 }), 400, "webhook.payload_invalid"],
    ["Telegram date before 1970", () => tg({ date: -1 }), 400, "webhook.payload_invalid"],
    [
      "Telegram chat id beyond the safe integers",
      () => tg({ chat: { id: 1e308, type: "private" } }),
      400,
      "webhook.payload_invalid",
    ],
    ["Instagram timestamp 1e308", () => ig({ timestamp: 1e308 }), 400, "webhook.payload_invalid"],
    ["WhatsApp timestamp past year 9999", () => wa({ timestamp: "999999999999" }), 400, "webhook.payload_invalid"],
    [
      "WhatsApp latitude 1e308",
      () => wa({ type: "location", location: { latitude: 1e308, longitude: 0 } }),
      400,
      "webhook.payload_invalid",
    ],
    // Issue 13: correctly signed payloads with wrong types.
    ["WhatsApp text.body = 5", () => wa({ text: { body: 5 } }), 400, "webhook.payload_invalid"],
    ["WhatsApp text.body = null", () => wa({ text: { body: null } }), 400, "webhook.payload_invalid"],
    ["WhatsApp text.body = []", () => wa({ text: { body: [] } }), 400, "webhook.payload_invalid"],
    ["Telegram text = 5", () => tg({ text: 5 }), 400, "webhook.payload_invalid"],
    ["Instagram message.text = []", () => ig({ message: { mid: "mid.X", text: [] } }), 400, "webhook.payload_invalid"],
    [
      "Instagram attachment type = 5",
      () =>
        ig({
          message: { mid: "mid.Y", attachments: [{ type: 5, payload: { url: "https://lookaside.fbsbx.com/a.jpg" } }] },
        }),
      400,
      "webhook.payload_invalid",
    ],
    [
      "Instagram attachment url = []",
      () => ig({ message: { mid: "mid.Z", attachments: [{ type: "image", payload: { url: [] } }] } }),
      400,
      "webhook.payload_invalid",
    ],
    [
      "a signed Telegram update nested 10,000 deep",
      () =>
        signedWebhook(
          "telegram",
          gw.channels.telegram.id,
          `{"update_id":1,"poll":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
        ),
      400,
      "webhook.payload_invalid",
    ],
    // Listing filters.
    [
      "since=99999-01-01 on conversations",
      () => admin("GET", "/api/v1/conversations?since=99999-01-01"),
      400,
      "api.invalid",
    ],
    [
      "until=+275760-09-13 on escalations",
      () => admin("GET", "/api/v1/escalations?until=%2B275760-09-13"),
      400,
      "api.invalid",
    ],
    ["since=yesterday on the audit log", () => admin("GET", "/api/v1/audit?since=yesterday"), 400, "api.invalid"],
    // Wrong-typed brand policies.
    [
      'policies.min_confidence = "high"',
      () =>
        admin("PATCH", `/api/v1/brands/${seeded.brandId}`, JSON.stringify({ policies: { min_confidence: "high" } })),
      400,
      "api.invalid",
    ],
    // Methods.
    ["PROPFIND on a known path", () => admin("PROPFIND", "/api/v1/brands"), 405, "http.method_not_allowed"],
  ];

  test.each(cases)("%s", async (_, request, status, code) => {
    const before = await storeSnapshot(getDb());
    const res = await fetch(request());
    const body = (await res.json()) as { error: { code: string; message: string; request_id: string } };
    expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
    expect(body.error.message.length).toBeGreaterThan(5);
    expect(await storeSnapshot(getDb())).toEqual(before);
  });

  test("the error names where the bad text is", async () => {
    const res = await fetch(
      admin(
        "PATCH",
        `/api/v1/brands/${seeded.brandId}`,
        JSON.stringify({ persona: { name: "a", tone: "b", language: "en", directives: ["ok", "bad\u0000"] } }),
      ),
    );
    expect((await res.json()).error).toMatchObject({
      code: "http.request_invalid",
      message: "body.persona.directives[1]: contains a NUL character (U+0000)",
      field: "body.persona.directives[1]",
    });
    const since = await fetch(admin("GET", "/api/v1/conversations?since=99999-01-01"));
    expect((await since.json()).error).toMatchObject({ field: "since" });
  });

  test("a 405 names the allowed methods in Allow", async () => {
    const res = await fetch(admin("PUT", `/api/v1/brands/${seeded.brandId}`));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, PATCH");
  });

  test("every described admin route with a path id refuses a NUL in it before anything runs", async () => {
    const doc = (await (await fetch(new Request("http://x/api/v1/openapi.json"))).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const templated = Object.entries(doc.paths).filter(([path]) => path.includes("{"));
    expect(templated.length).toBeGreaterThanOrEqual(15);
    const before = await storeSnapshot(getDb());
    for (const [path, operations] of templated) {
      for (const method of Object.keys(operations)) {
        const res = await fetch(
          admin(
            method.toUpperCase(),
            path.replace(/\{[^}]+\}/g, "%00"),
            method === "get" || method === "delete" ? undefined : "{}",
          ),
        );
        expect([method, path, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
          method,
          path,
          400,
          "http.request_invalid",
        ]);
      }
    }
    expect(await storeSnapshot(getDb())).toEqual(before);
  });

  test("valid input still goes through: a well-formed message in any script with an emoji is stored", async () => {
    const res = await fetch(wa({ text: { body: "Größe 42? 尺码 👟" } }));
    expect(res.status).toBe(200);
    const [row] = await getDb()
      .sql`select body from messages where channel_id = ${gw.channels.whatsapp.id} order by created_at desc limit 1`;
    expect(row.body).toBe("Größe 42? 尺码 👟");
    const listed = await fetch(admin("GET", "/api/v1/conversations?since=2020-01-01&until=9999-12-31T23:59:59Z"));
    expect(listed.status).toBe(200);
  });
});
