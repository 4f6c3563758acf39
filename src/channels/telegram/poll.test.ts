import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { errorFixture, fixtureJson } from "../../../test/support/fixtures";
import { startTelegramFake } from "../../../test/support/fakes";
import type { ChannelContext, PolledUpdate } from "../types";
import { telegram, type TelegramCredentials } from "./index";

const TOKEN = "7000000001:AAFakeTokenForTestsOnly";
const fake = startTelegramFake({ token: TOKEN });
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const ctx = (signal: AbortSignal): ChannelContext<TelegramCredentials> => ({
  channelId: "ch_tg_1",
  credentials: { bot_token: TOKEN, mode: "polling" },
  baseUrl: fake.url,
  fetch,
  signal,
  deadline: Date.now() + 1000,
});
const fixtureUpdates = () =>
  fixtureJson<{ result: { update_id: number }[] }>("telegram", "inbound/get_updates.response.json").result;

/** Collects `count` updates from a poll, then stops it through the signal. */
const take = async (
  count: number,
  offset: number,
  extra: { timeoutSeconds?: number; allowedUpdates?: string[] } = {},
) => {
  const controller = new AbortController();
  const got: PolledUpdate[] = [];
  for await (const update of telegram.poll(ctx(controller.signal), { offset, timeoutSeconds: 1, ...extra })) {
    got.push(update);
    if (got.length === count) controller.abort();
  }
  return got;
};

describe("telegram poll", () => {
  test("yields the three fixture updates in order with the next offset; the request matches the fixture", async () => {
    fake.pushUpdates(fixtureUpdates());
    const got = await take(3, 871000110, {
      timeoutSeconds: 30,
      allowedUpdates: ["message", "callback_query", "my_chat_member"],
    });
    expect(got.map((u) => [u.updateId, u.nextOffset])).toEqual([
      [871000110, 871000111],
      [871000111, 871000112],
      [871000112, 871000113],
    ]);
    expect(fake.requests[0].body).toEqual(fixtureJson("telegram", "send/get_updates.request.json"));
    // The yielded bytes go through the same parse as a webhook body.
    const parsed = telegram.parse(got[0].body, {
      channelId: "ch_tg_1",
      credentials: { bot_token: TOKEN, mode: "polling" },
    });
    expect(parsed.messages[0]).toMatchObject({
      providerMessageId: "551000001:110",
      content: { kind: "text", text: "Do you have gift cards?" },
    });
  });

  test("a restart from a persisted offset neither repeats nor skips", async () => {
    fake.pushUpdates(fixtureUpdates());
    const first = await take(1, 871000110);
    // The process "dies" after storing update 110; it restarts from the persisted nextOffset.
    const rest = await take(2, first[0].nextOffset);
    expect([...first, ...rest].map((u) => u.updateId)).toEqual([871000110, 871000111, 871000112]);
    const offsets = fake.requests.map((r) => r.body?.offset);
    expect(offsets[0]).toBe(871000110);
    expect(offsets).toContain(871000111);
  });

  test("a long poll waits for new updates instead of spinning", async () => {
    const controller = new AbortController();
    const iterator = telegram.poll(ctx(controller.signal), { offset: 1, timeoutSeconds: 5 })[Symbol.asyncIterator]();
    const next = iterator.next();
    await fake.waitForRequests(1);
    fake.pushUpdates([
      { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 5, type: "private" }, text: "late" } } as {
        update_id: number;
      },
    ]);
    expect((await next).value?.updateId).toBe(1);
    expect(fake.requests).toHaveLength(1);
    controller.abort();
    expect((await iterator.next()).done).toBe(true);
  });

  test("a webhook still set → channel.poll_conflict", async () => {
    fake.setWebhookUrl("https://xin.example.com/webhooks/telegram/ch_tg_1");
    expect(await take(1, 1).catch((e) => e)).toMatchObject({ code: "channel.poll_conflict", reason: "conflict" });
  });

  test("another poller → channel.poll_conflict; 429 → retryable with retry_after", async () => {
    const conflict = errorFixture("telegram", "409_conflict_other_getupdates.409.json");
    fake.script({ status: conflict.httpStatus, body: conflict.body });
    expect(await take(1, 1).catch((e) => e)).toMatchObject({ code: "channel.poll_conflict" });
    const flood = errorFixture("telegram", "429_too_many_requests.429.json");
    fake.script({ status: flood.httpStatus, body: flood.body });
    expect(await take(1, 1).catch((e) => e)).toMatchObject({ code: "channel.send_retryable", retryAfterMs: 17000 });
  });

  test("aborting during a hanging poll ends the iteration quietly", async () => {
    fake.script({ hang: true });
    const controller = new AbortController();
    const pending = (async () => {
      for await (const _ of telegram.poll(ctx(controller.signal), { offset: 1, timeoutSeconds: 30 })) void _;
      return "ended";
    })();
    await fake.waitForRequests(1);
    controller.abort();
    expect(await pending).toBe("ended");
  });
});
