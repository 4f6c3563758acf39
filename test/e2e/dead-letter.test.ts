// A signed webhook that passes every check but that the store refuses for good is acknowledged (200),
// kept byte for byte in webhook_dead_letters and counted in /metrics, so the provider stops retrying
// it; a refusal a retry can pass (a serialization failure) is still an error the provider retries.
import { afterEach, beforeAll, expect, test } from "bun:test";
import { createMetrics } from "../../src/runtime/metrics";
import { signedWebhook, storeSnapshot, whatsappBody } from "../support/bad-input";
import { describeStores } from "../support/db";
import { gatewayHandler, setupGateway, type GatewayFixture } from "../support/gateway";

const deadLetterCount = async (metrics: ReturnType<typeof createMetrics>, provider: string): Promise<number> => {
  const metric = await metrics.webhookDeadLetters.get();
  return metric.values.find((v) => v.labels.provider === provider)?.value ?? 0;
};

describeStores("webhook dead letters", (getDb) => {
  let gw: GatewayFixture;
  const metrics = createMetrics();
  let fetch: (req: Request) => Promise<Response>;
  beforeAll(async () => {
    gw = await setupGateway(getDb());
    fetch = gatewayHandler(getDb(), 1 << 20, { metrics });
  }, 30_000);
  // The store refuses a message for good or for now, the way a constraint or a conflict would.
  const refuseMessagesWith = async (sqlstate: string) => {
    await getDb().sql.unsafe(`create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin if new.body = 'poison' then raise exception 'refused' using errcode = '${sqlstate}'; end if; return new; end $$`);
    await getDb().sql.unsafe(
      "create or replace trigger refuse_poison before insert on messages for each row execute function refuse_poison()",
    );
  };
  afterEach(async () => {
    await getDb().sql.unsafe("drop trigger if exists refuse_poison on messages");
  });
  const letters = () =>
    getDb().sql`select provider, reason, body, body_sha256, channel_id from webhook_dead_letters order by id`;

  test("a permanent refusal (a check constraint) is acknowledged, kept once and counted; a duplicate delivery adds nothing", async () => {
    await refuseMessagesWith("23514");
    const body = whatsappBody({ text: { body: "poison" } });
    const before = await storeSnapshot(getDb());
    const res = await fetch(signedWebhook("whatsapp", gw.channels.whatsapp.id, body));
    expect(res.status).toBe(200);
    const kept = await letters();
    expect(kept.map((l) => ({ provider: l.provider, reason: l.reason, channel_id: l.channel_id }))).toEqual([
      { provider: "whatsapp", reason: "pg.23514", channel_id: gw.channels.whatsapp.id },
    ]);
    expect(new TextDecoder().decode(kept[0].body)).toBe(body);
    expect(await deadLetterCount(metrics, "whatsapp")).toBe(1);
    expect(await storeSnapshot(getDb())).toEqual({
      ...before,
      webhook_dead_letters: Number(before.webhook_dead_letters) + 1,
    });

    const again = await fetch(signedWebhook("whatsapp", gw.channels.whatsapp.id, body));
    expect(again.status).toBe(200);
    expect((await letters()).length).toBe(1);
    expect(await deadLetterCount(metrics, "whatsapp")).toBe(1);
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain('xin_webhook_dead_letter_total{provider="whatsapp"} 1');
  });

  test("a message id too large for the store's index is dead-lettered, not retried forever", async () => {
    const huge = `wamid.${Buffer.from(crypto.getRandomValues(new Uint8Array(9000))).toString("base64url")}`;
    const before = await storeSnapshot(getDb());
    const res = await fetch(signedWebhook("whatsapp", gw.channels.whatsapp.id, whatsappBody({ id: huge })));
    expect(res.status).toBe(200);
    const after = await storeSnapshot(getDb());
    expect(after.messages).toBe(before.messages);
    expect(after.jobs).toBe(before.jobs);
    expect(after.webhook_dead_letters).toBe(Number(before.webhook_dead_letters) + 1);
    expect((await letters()).at(-1)?.reason).toBe("pg.54000");
  });

  test("a transient refusal (serialization failure) is an error the provider retries, and nothing is kept", async () => {
    await refuseMessagesWith("40001");
    const before = await storeSnapshot(getDb());
    const res = await fetch(
      signedWebhook("whatsapp", gw.channels.whatsapp.id, whatsappBody({ text: { body: "poison" } })),
    );
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(await storeSnapshot(getDb())).toEqual(before);
  });

  test("the healthy path is untouched: the same kind of message without the poison is stored", async () => {
    await refuseMessagesWith("23514");
    const before = await storeSnapshot(getDb());
    expect(
      (await fetch(signedWebhook("whatsapp", gw.channels.whatsapp.id, whatsappBody({ text: { body: "fine" } }))))
        .status,
    ).toBe(200);
    const after = await storeSnapshot(getDb());
    expect(after.messages).toBe(Number(before.messages) + 1);
    expect(after.webhook_dead_letters).toBe(before.webhook_dead_letters);
  });
});
