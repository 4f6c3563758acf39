// A Telegram button press (issue 13): answered with answerCallbackQuery at once — while the answer is
// still being written, so the customer's button stops spinning however slow answering is — and handled
// as the customer's input (the tapped button's label). Through the real gateway and workers, against
// the Telegram fake (which checks the call as the Bot API does), on both stores.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createKnowledgeBackend } from "../../src/app/knowledge";
import { getChannel } from "../../src/channels";
import { acceptParsed } from "../../src/inbox";
import { BUILT_IN_GUARDRAILS } from "../../src/orchestrator";
import { silentLogger } from "../../src/runtime";
import { transaction, type Db } from "../../src/runtime/db";
import { EgressGuard } from "../../src/runtime/net";
import { Wake, type QueueRunner } from "../../src/runtime/queue";
import { waitUntil } from "../support/answering";
import { describeStores } from "../support/db";
import { startTelegramFake, type TelegramFake } from "../support/fakes";
import { fixtureBytes } from "../support/fixtures";
import { setupGateway, TG, type GatewayFixture } from "../support/gateway";
import { startTestWorkers } from "../support/workers";

let fake: TelegramFake;
beforeAll(() => {
  fake = startTelegramFake({ token: TG.bot_token });
});
afterAll(() => fake.stop());

const press = (gw: GatewayFixture, body = fixtureBytes("telegram", "inbound/callback_query.json")) =>
  gw.fetch(
    new Request(`http://x/webhooks/telegram/${gw.channels.telegram.id}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG.secret_token },
      body: body as BodyInit,
    }),
  );

describeStores("telegram button press", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  // Answering waits on this gate: it is opened only once the press was acknowledged.
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));

  beforeAll(async () => {
    const db = getDb();
    gw = await setupGateway(db, { telegram: fake.url });
    const knowledge = createKnowledgeBackend(() => db.db);
    const wake = new Wake();
    runner = startTestWorkers(db, wake, {
      egress: new EgressGuard({ allowCidrs: ["127.0.0.1/32"] }),
      answering: {
        pipeline: {
          search: async (r) => {
            await gate;
            return knowledge.search(r);
          },
          chat: null,
          guardrails: BUILT_IN_GUARDRAILS,
          config: { top_k: 5, min_confidence: 0.45 },
          log: silentLogger,
        },
        quietWindowMs: 0,
        historyTokens: 1000,
      },
    });
  });
  afterAll(async () => {
    open();
    await runner.stop(Date.now() + 2000);
  });

  test("answered at once, before any reply; stored as the tapped label; a replayed press is not answered again", async () => {
    fake.reset();
    expect((await press(gw)).status).toBe(200);
    await waitUntil(async () => fake.callbackAnswers.length === 1);
    expect(fake.callbackAnswers).toEqual([{ callback_query_id: "2367000000000000101" }]);
    // The answer is still held at the gate: nothing was sent to the customer yet.
    expect(fake.requests.filter((r) => r.path.endsWith("/sendMessage")).length).toBe(0);
    const [row] = await getDb()
      .sql`select kind, body, awaits_turn, metadata from messages where channel_id = ${gw.channels.telegram.id} and provider_message_id = 'callback:2367000000000000101'`;
    expect(row).toMatchObject({ kind: "callback_query", body: "Shipping", awaits_turn: true });
    expect(row.metadata.content.data).toBe("faq:shipping");

    open();
    // The press is the customer's input: it gets its turn (here the knowledge base is empty, so a hand-off and the holding message).
    await waitUntil(async () => fake.requests.some((r) => r.path.endsWith("/sendMessage")));
    const methods = fake.requests.map((r) => r.path.split("/").pop());
    expect(methods.indexOf("answerCallbackQuery")).toBeLessThan(methods.indexOf("sendMessage"));
    const [named] = await getDb()
      .sql`select answered_by from messages where provider_message_id = 'callback:2367000000000000101' and channel_id = ${gw.channels.telegram.id}`;
    expect(named.answered_by).not.toBeNull();

    expect((await press(gw)).status).toBe(200);
    await waitUntil(
      async () => (await getDb().sql`select 1 from jobs where state in ('queued', 'running')`).length === 0,
    );
    expect(fake.callbackAnswers.length).toBe(1);
  });

  test("a press that arrives by long polling (the poller's entrance, acceptParsed) is answered the same way", async () => {
    const update = JSON.parse(new TextDecoder().decode(fixtureBytes("telegram", "inbound/callback_query.json")));
    update.update_id += 1;
    update.callback_query.id = "2367000000000000199";
    const adapter = getChannel("telegram");
    const parsed = adapter.parse(new TextEncoder().encode(JSON.stringify(update)), {
      channelId: gw.channels.telegram.id,
      credentials: adapter.credentials.parse(TG),
    });
    await transaction(getDb().db as Db, (tx) => acceptParsed(tx, new Wake(), 3, gw.channels.telegram, parsed));
    await waitUntil(async () => fake.callbackAnswers.some((a) => a.callback_query_id === "2367000000000000199"));
  });
});
