// `xin doctor`'s store, migration, dead-letter and channel checks with no server running (the CLI opens
// the store itself), on the external PostgreSQL by URL; test/e2e/doctor-cli.test.ts runs them on the
// embedded store of a real instance. Channels talk to the loopback Telegram fake.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDb, type TestDb } from "../../../test/support/db";
import { startMetaGraphFake, type MetaGraphFake } from "../../../test/support/fakes/meta-graph";
import { startTelegramFake, type TelegramFake } from "../../../test/support/fakes/telegram-bot-api";
import { freePort } from "../../../test/support/binary";
import { IG, INSTANCE_KEY, TG, WA } from "../../../test/support/gateway";
import { silentLogger } from "../../runtime";
import { configSchema, type Config } from "../../runtime/config";
import { schema, transaction } from "../../runtime/db";
import { eq } from "drizzle-orm";
import { createBrand, createChannel, createTenant } from "../../tenancy";
import { instanceChecks } from "./instance";

const urlOf = (db: TestDb): string => {
  if (!("url" in db.target)) throw new Error("the external test store has a URL");
  return db.target.url;
};

const PUBLIC_URL = "https://xin.example.com";
const configFor = (url: string, publicUrl?: string): Config =>
  configSchema.parse({
    data_dir: mkdtempSync(join(tmpdir(), "xin-doctor-")),
    instance_key: INSTANCE_KEY,
    server: { host: "127.0.0.1", port: freePort(), ...(publicUrl ? { public_url: publicUrl } : {}) },
    database: { url },
  });

const byName = (checks: Awaited<ReturnType<typeof instanceChecks>>) =>
  Object.fromEntries(checks.map((c) => [c.name, c]));

let telegram: TelegramFake;
let meta: MetaGraphFake;
let testDb: (TestDb & { dispose(): Promise<void> }) | null = null;
const getDb = (): TestDb => {
  if (!testDb) throw new Error("test database not ready");
  return testDb;
};
beforeAll(async () => {
  telegram = startTelegramFake({ token: TG.bot_token });
  meta = startMetaGraphFake({ accessToken: WA.access_token });
  testDb = await createTestDb("external");
}, 120_000);
afterAll(async () => {
  telegram.stop();
  meta.stop();
  await testDb?.dispose();
});

describe("xin doctor: instance checks on an external store", () => {
  test("a healthy store: reachable, migrated, no dead letters, no channels yet", async () => {
    const checks = byName(await instanceChecks(configFor(urlOf(getDb())), silentLogger));
    expect(checks.store).toMatchObject({ status: "ok" });
    expect(checks.store.detail).toContain("reachable directly");
    expect(checks.migrations).toMatchObject({ status: "ok", detail: "1/1 applied" });
    expect(checks["dead letters"].status).toBe("ok");
    expect(checks.channels.status).toBe("skip");
  });

  test("a channel the provider accepts is ok, one it rejects fails with the fix; dead jobs warn", async () => {
    const db = getDb();
    const ids = await transaction(db.db, async ({ tx }) => {
      const tenant = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, tenant.id, "Shop", "test");
      const make = (name: string, token: string) =>
        createChannel(
          tx,
          INSTANCE_KEY,
          {
            tenant_id: tenant.id,
            brand_id: brand.id,
            provider: "telegram",
            name,
            credentials: { ...TG, bot_token: token },
            settings: { api_base: telegram.url },
          },
          "test",
        );
      const good = await make("good", TG.bot_token);
      const bad = await make("revoked", "7000000002:AARevokedToken");
      return { good: good.id, bad: bad.id };
    });
    await db.sql`insert into jobs (kind, state, attempts, max_attempts, last_error) values ('doctor-test', 'dead', 8, 8, 'boom')`;

    const checks = byName(await instanceChecks(configFor(urlOf(db)), silentLogger));
    expect(checks["channel telegram good"]).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("accepted the token"),
    });
    const bad = checks["channel telegram revoked"];
    expect(bad.status).toBe("fail");
    expect(bad.fix).toContain(`xin channel test ${ids.bad}`);
    expect(checks["dead letters"]).toMatchObject({ status: "warn", detail: expect.stringContaining("1 job(s)") });
    expect(checks["dead letters"].fix).toContain("xin queue");
  });
});

describe("xin doctor: webhook registrations, as each provider reports them", () => {
  test("Telegram's webhook URL and delivery errors, Meta's app subscriptions: ok, warn or fail with the fix", async () => {
    const db = getDb();
    const WABA = "102290129340398";
    const ids = await transaction(db.db, async ({ tx }) => {
      const tenant = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, tenant.id, "Hooks", "test");
      const make = async (provider: string, name: string, credentials: Record<string, unknown>, api_base: string) =>
        (
          await createChannel(
            tx,
            INSTANCE_KEY,
            { tenant_id: tenant.id, brand_id: brand.id, provider, name, credentials, settings: { api_base } },
            "test",
          )
        ).id;
      // The fake Telegram knows one bot, connected as "good" by the test above: its webhook is checked here.
      const [good] = await tx
        .select({ id: schema.channels.id })
        .from(schema.channels)
        .where(eq(schema.channels.name, "good"));
      return {
        tg: good.id,
        wa: await make("whatsapp", "wa-sub", { ...WA, waba_id: WABA }, meta.baseUrl),
        waNoId: await make("whatsapp", "wa-noid", { ...WA, phone_number_id: "106540352242923" }, meta.baseUrl),
        ig: await make("instagram", "ig-nomsg", { ...IG, access_token: WA.access_token }, meta.baseUrl),
      };
    });
    const config = configFor(urlOf(db), PUBLIC_URL);
    const ours = `${PUBLIC_URL}/webhooks/telegram/${ids.tg}`;
    telegram.setWebhookUrl(ours);
    meta.setSubscription("me", ["messaging_seen"]);

    let checks = byName(await instanceChecks(config, silentLogger));
    expect(checks["webhook telegram good"]).toMatchObject({ status: "ok", detail: `delivers to ${ours}` });
    expect(checks["webhook whatsapp wa-sub"]).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("no app is subscribed"),
    });
    expect(checks["webhook whatsapp wa-sub"].fix).toContain(`/${WABA}/subscribed_apps`);
    expect(checks["webhook whatsapp wa-noid"]).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("no waba_id"),
    });
    expect(checks["webhook instagram ig-nomsg"]).toMatchObject({
      status: "fail",
      detail: expect.stringContaining('without the "messages" field'),
    });
    expect(checks["webhook instagram ig-nomsg"].fix).toContain("/me/subscribed_apps?subscribed_fields=messages");
    // A channel whose token the provider refuses: its registration cannot be read, and the fix points at the credentials.
    expect(checks["webhook telegram revoked"]).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("cannot ask Telegram"),
    });

    telegram.setDeliveryError({
      message: "Wrong response from the webhook: 502 Bad Gateway",
      date: Math.floor(Date.now() / 1000) - 60,
    });
    meta.setSubscription(WABA, ["messages"]);
    checks = byName(await instanceChecks(config, silentLogger));
    expect(checks["webhook telegram good"]).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("502 Bad Gateway"),
    });
    expect(checks["webhook telegram good"].fix).toContain(`check that ${ours} answers from the internet over HTTPS`);
    expect(checks["webhook whatsapp wa-sub"]).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("xin fake app"),
    });

    telegram.setDeliveryError(null);
    telegram.setWebhookUrl("https://elsewhere.example.net/hook");
    checks = byName(await instanceChecks(config, silentLogger));
    expect(checks["webhook telegram good"]).toMatchObject({
      status: "fail",
      detail: `delivers to https://elsewhere.example.net/hook, not to this instance (${ours})`,
      fix: `xin channel connect ${ids.tg}`,
    });
  });
});

test("an unreachable external store fails with the fix", async () => {
  const checks = await instanceChecks(configFor(`postgres://xin@127.0.0.1:${freePort()}/xin`), silentLogger);
  expect(checks).toHaveLength(1);
  expect(checks[0]).toMatchObject({ name: "store", status: "fail" });
  expect(checks[0].detail).toContain("not reachable");
  expect(checks[0].fix).toBeTruthy();
});
