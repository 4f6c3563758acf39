// Telegram without public HTTPS: the polling service stores updates through the webhook path and saves
// the offset in the same transaction, so a restart neither repeats nor skips an update.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { silentLogger } from "../../src/runtime";
import { createMetrics } from "../../src/runtime/metrics";
import { openClient, transaction } from "../../src/runtime/db";
import { Wake } from "../../src/runtime/queue";
import { createBrand, createChannel, createTenant } from "../../src/tenancy";
import { pollingService } from "../../src/workers";
import { describeStores } from "../support/db";
import { startTelegramFake, type TelegramFake } from "../support/fakes";
import { INSTANCE_KEY, TG } from "../support/gateway";

let telegram: TelegramFake;
beforeAll(() => {
  telegram = startTelegramFake({ token: TG.bot_token });
});
afterAll(async () => {
  await telegram.stop();
});

const update = (id: number, text: string) => ({
  update_id: id,
  message: {
    message_id: id,
    from: { id: 551000009, is_bot: false, first_name: "Poll" },
    chat: { id: 551000009, type: "private", first_name: "Poll" },
    date: 1764000000,
    text,
  },
});

describeStores("telegram polling", (getDb) => {
  test("updates are stored once each, in order, across a restart of the poller", async () => {
    const db = getDb();
    const channel = await transaction(db.db, async ({ tx }) => {
      const tenant = await createTenant(tx, `p-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, tenant.id, "Poll Shop", "test");
      return createChannel(
        tx,
        INSTANCE_KEY,
        {
          tenant_id: tenant.id,
          brand_id: brand.id,
          provider: "telegram",
          credentials: { bot_token: TG.bot_token, mode: "polling" },
          settings: { api_base: telegram.url },
        },
        "test",
      );
    });
    const start = async () => {
      const service = pollingService({
        db: () => db.db,
        session: () => openClient(db.target, { max: 1 }).sql,
        instanceKey: INSTANCE_KEY,
        wake: new Wake(),
        maxAttempts: 3,
        log: silentLogger,
        refreshMs: 60_000,
      });
      await service.start();
      return service;
    };
    const stored = async () =>
      (await db.sql`select body from messages where channel_id = ${channel.id} order by provider_message_id`).map(
        (r) => r.body,
      );
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 15_000;
      while ((await stored()).length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} messages`);
        await Bun.sleep(25);
      }
    };
    telegram.pushUpdates([update(700001, "one"), update(700002, "two")]);
    const first = await start();
    await waitFor(2);
    await first.stop(Date.now() + 1000);
    const [row] = await db.sql`select poll_offset from channels where id = ${channel.id}`;
    expect(Number(row.poll_offset)).toBe(700003);
    telegram.pushUpdates([update(700003, "three")]);
    const second = await start();
    await waitFor(3);
    await second.stop(Date.now() + 1000);
    expect(await stored()).toEqual(["one", "two", "three"]);
    const offsets = telegram.requests
      .filter((r) => r.path.endsWith("/getUpdates"))
      .map((r) => Number(r.body?.offset ?? 0));
    expect(offsets).toContain(700003); // the restarted poller resumed from the saved offset
  });
});

// A database of its own: the bot (one token, one account) is connected once per database.
describeStores("telegram polling dead letters", (getDb) => {
  test("an update that can never be stored is dead-lettered and the updates after it still arrive", async () => {
    const db = getDb();
    const channel = await transaction(db.db, async ({ tx }) => {
      const tenant = await createTenant(tx, `p-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, tenant.id, "Poll Shop 2", "test");
      return createChannel(
        tx,
        INSTANCE_KEY,
        {
          tenant_id: tenant.id,
          brand_id: brand.id,
          provider: "telegram",
          credentials: { bot_token: TG.bot_token, mode: "polling" },
          settings: { api_base: telegram.url },
        },
        "test",
      );
    });
    const metrics = createMetrics();
    const malformed = { ...update(800001, "bad date"), message: { ...update(800001, "x").message, date: 1e308 } };
    telegram.pushUpdates([malformed, update(800002, "after it")]);
    const service = pollingService({
      db: () => db.db,
      session: () => openClient(db.target, { max: 1 }).sql,
      instanceKey: INSTANCE_KEY,
      wake: new Wake(),
      maxAttempts: 3,
      log: silentLogger,
      metrics,
      refreshMs: 60_000,
    });
    await service.start();
    const deadline = Date.now() + 15_000;
    while ((await db.sql`select 1 from messages where channel_id = ${channel.id}`).length < 1 && Date.now() < deadline)
      await Bun.sleep(25);
    await service.stop(Date.now() + 1000);
    expect((await db.sql`select body from messages where channel_id = ${channel.id}`).map((r) => r.body)).toEqual([
      "after it",
    ]);
    const letters =
      await db.sql`select reason, provider, convert_from(body, 'UTF8') as body from webhook_dead_letters where channel_id = ${channel.id}`;
    expect(letters.map((l) => ({ reason: l.reason, provider: l.provider }))).toEqual([
      { reason: "webhook.payload_invalid", provider: "telegram" },
    ]);
    expect(JSON.parse(letters[0].body).update_id).toBe(800001);
    expect(Number((await db.sql`select poll_offset from channels where id = ${channel.id}`)[0].poll_offset)).toBe(
      800003,
    );
    expect(await metrics.registry.metrics()).toContain('xin_webhook_dead_letter_total{provider="telegram"} 1');
  });
});

describeStores("telegram polling that fails", (getDb) => {
  test("a refused token backs off (not every 5 s forever) and shows as failing in health and /metrics", async () => {
    const db = getDb();
    const badToken = "999000:refused-token-aaaaaaaaaaaaaaaaaaaaaaaaaa";
    const channel = await transaction(db.db, async ({ tx }) => {
      const tenant = await createTenant(tx, `p-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, tenant.id, "Poll Shop 3", "test");
      return createChannel(
        tx,
        INSTANCE_KEY,
        {
          tenant_id: tenant.id,
          brand_id: brand.id,
          provider: "telegram",
          credentials: { bot_token: badToken, mode: "polling" },
          settings: { api_base: telegram.url },
        },
        "test",
      );
    });
    const metrics = createMetrics();
    const asked = () => telegram.requests.filter((r) => r.path === `/bot${badToken}/getUpdates`).length;
    const before = asked();
    const service = pollingService({
      db: () => db.db,
      session: () => openClient(db.target, { max: 1 }).sql,
      instanceKey: INSTANCE_KEY,
      wake: new Wake(),
      maxAttempts: 3,
      log: silentLogger,
      metrics,
      refreshMs: 60_000,
    });
    await service.start();
    const deadline = Date.now() + 10_000;
    while (!service.health().some((h) => h.channel_id === channel.id && h.state === "failing") && Date.now() < deadline)
      await Bun.sleep(25);
    const health = service.health().find((h) => h.channel_id === channel.id);
    expect(health).toMatchObject({ provider: "telegram", state: "failing", failures: 1, retry_in_ms: 5_000 });
    expect(health?.last_error).toContain("Unauthorized");
    expect(await metrics.registry.metrics()).toContain(
      `xin_channel_polling_up{provider="telegram",channel_id="${channel.id}"} 0`,
    );
    // Within the backoff nothing is asked again; a stop ends the wait rather than sitting it out.
    await Bun.sleep(500);
    expect(asked() - before).toBe(1);
    await service.stop(Date.now() + 1000);
    expect(service.health().find((h) => h.channel_id === channel.id)).toBeUndefined();
  });
});
