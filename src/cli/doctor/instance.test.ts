// `xin doctor`'s store, migration, dead-letter and channel checks with no server running (the CLI opens
// the store itself), on the external PostgreSQL by URL; test/e2e/doctor-cli.test.ts runs them on the
// embedded store of a real instance. Channels talk to the loopback Telegram fake.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDb, type TestDb } from "../../../test/support/db";
import { startTelegramFake, type TelegramFake } from "../../../test/support/fakes/telegram-bot-api";
import { freePort } from "../../../test/support/binary";
import { INSTANCE_KEY, TG } from "../../../test/support/gateway";
import { silentLogger } from "../../runtime";
import { configSchema, type Config } from "../../runtime/config";
import { transaction } from "../../runtime/db";
import { createBrand, createChannel, createTenant } from "../../tenancy";
import { instanceChecks } from "./instance";

const urlOf = (db: TestDb): string => {
  if (!("url" in db.target)) throw new Error("the external test store has a URL");
  return db.target.url;
};

const configFor = (url: string): Config =>
  configSchema.parse({ data_dir: mkdtempSync(join(tmpdir(), "xin-doctor-")), instance_key: INSTANCE_KEY, server: { host: "127.0.0.1", port: freePort() }, database: { url } });

const byName = (checks: Awaited<ReturnType<typeof instanceChecks>>) => Object.fromEntries(checks.map((c) => [c.name, c]));

let telegram: TelegramFake;
let testDb: (TestDb & { dispose(): Promise<void> }) | null = null;
const getDb = (): TestDb => {
  if (!testDb) throw new Error("test database not ready");
  return testDb;
};
beforeAll(async () => {
  telegram = startTelegramFake({ token: TG.bot_token });
  testDb = await createTestDb("external");
}, 120_000);
afterAll(async () => {
  telegram.stop();
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
        createChannel(tx, INSTANCE_KEY, { tenant_id: tenant.id, brand_id: brand.id, provider: "telegram", name, credentials: { ...TG, bot_token: token }, settings: { api_base: telegram.url } }, "test");
      const good = await make("good", TG.bot_token);
      const bad = await make("revoked", "7000000002:AARevokedToken");
      return { good: good.id, bad: bad.id };
    });
    await db.sql`insert into jobs (kind, state, attempts, max_attempts, last_error) values ('doctor-test', 'dead', 8, 8, 'boom')`;

    const checks = byName(await instanceChecks(configFor(urlOf(db)), silentLogger));
    expect(checks["channel telegram good"]).toMatchObject({ status: "ok", detail: expect.stringContaining("accepted the token") });
    const bad = checks["channel telegram revoked"];
    expect(bad.status).toBe("fail");
    expect(bad.fix).toContain(`xin channel test ${ids.bad}`);
    expect(checks["dead letters"]).toMatchObject({ status: "warn", detail: expect.stringContaining("1 job(s)") });
    expect(checks["dead letters"].fix).toContain("xin queue");
  });
});

test("an unreachable external store fails with the fix", async () => {
  const checks = await instanceChecks(configFor(`postgres://xin@127.0.0.1:${freePort()}/xin`), silentLogger);
  expect(checks).toHaveLength(1);
  expect(checks[0]).toMatchObject({ name: "store", status: "fail" });
  expect(checks[0].detail).toContain("not reachable");
  expect(checks[0].fix).toBeTruthy();
});
