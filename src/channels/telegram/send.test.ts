import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { errorFixtures, fixtureJson } from "../../../test/support/fixtures";
import { startTelegramFake } from "../../../test/support/fakes";
import type { ChannelContext, OutboundMessage } from "../types";
import { getTelegramMe, setTelegramWebhook, telegram, telegramFileUrl, type TelegramCredentials } from "./index";

const TOKEN = "7000000001:AAFakeTokenForTestsOnly";
const fake = startTelegramFake({ token: TOKEN });
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const ctx = (credentials: Partial<TelegramCredentials> = {}): ChannelContext<TelegramCredentials> => ({
  channelId: "ch_tg_1",
  credentials: {
    bot_token: TOKEN,
    mode: "webhook",
    secret_token: "xinTestSecret_0123456789-abcdefABCDEF",
    ...credentials,
  },
  baseUrl: fake.url,
  fetch,
  signal: new AbortController().signal,
  deadline: Date.now() + 5000,
});
const request = (name: string) => fixtureJson<Record<string, unknown>>("telegram", `send/${name}.request.json`);
const response = (name: string) =>
  fixtureJson<{ result: { message_id: number; chat: { id: number } } }>("telegram", `send/${name}.response.json`);

const SEND_CASES: [string, string, OutboundMessage, string][] = [
  [
    "send_message",
    "sendMessage",
    {
      conversationId: "551000001",
      content: { kind: "text", text: "Yes, we are open on Saturday from 10:00 to 16:00." },
    },
    "send_message",
  ],
  [
    "send_message_inline_keyboard",
    "sendMessage",
    {
      conversationId: "551000002",
      content: {
        kind: "buttons",
        text: "How can I help you?",
        buttons: [
          { id: "faq:hours", title: "Opening hours" },
          { id: "faq:shipping", title: "Shipping" },
          { id: "handoff", title: "Talk to a person" },
        ],
      },
    },
    "send_message_inline_keyboard",
  ],
  [
    "send_message_reply",
    "sendMessage",
    {
      conversationId: "-1001987654321",
      replyTo: "-1001987654321:108",
      content: { kind: "text", text: "Yes, we ship to Austria. Delivery takes 3-5 business days." },
    },
    "send_message_reply",
  ],
  [
    "send_message_markdownv2",
    "sendMessage",
    {
      conversationId: "551000001",
      content: { kind: "text", format: "markdown", text: "**Opening hours**\nMon-Fri 09:00-18:00\nSat 10:00-16:00" },
    },
    "send_message",
  ],
  [
    "send_photo",
    "sendPhoto",
    {
      conversationId: "551000001",
      content: { kind: "media", mediaType: "image", source: { url: "https://shop.example.com/media/blue-jacket.jpg" } },
    },
    "send_photo",
  ],
  [
    "send_document",
    "sendDocument",
    {
      conversationId: "551000002",
      content: {
        kind: "media",
        mediaType: "document",
        source: { providerMediaId: "BQACAgIAAxkBAAIBaGdFixtureDocument0001AAHxinTestQQ" },
        caption: "Your invoice",
      },
    },
    "send_document",
  ],
];

describe("telegram send: bodies equal the fixtures", () => {
  test.each(SEND_CASES)("%s", async (name, method, message, answer) => {
    fake.script({ status: 200, body: response(answer) });
    const result = await telegram.send(message, ctx());
    const { chat, message_id } = response(answer).result;
    expect(result).toEqual({ providerMessageId: `${chat.id}:${message_id}` });
    const [r] = fake.requests;
    expect([r.method, r.path]).toEqual(["POST", `/bot${TOKEN}/${method}`]);
    expect(r.body).toEqual(request(name));
  });

  test("actions: typing, reaction, callback answer; read receipts need no call", async () => {
    await telegram.act({ kind: "typing", conversationId: "551000001" }, ctx());
    await telegram.act(
      { kind: "react", conversationId: "551000001", providerMessageId: "551000001:101", emoji: "👍" },
      ctx(),
    );
    await telegram.act({ kind: "answer_callback", conversationId: "551000002", queryId: "2367000000000000101" }, ctx());
    await telegram.act({ kind: "mark_read", conversationId: "551000001", providerMessageId: "551000001:101" }, ctx());
    expect(fake.requests.map((r) => [r.path.split("/").pop(), r.body])).toEqual([
      ["sendChatAction", request("send_chat_action")],
      ["setMessageReaction", request("set_message_reaction")],
      ["answerCallbackQuery", request("answer_callback_query")],
    ]);
  });

  test("a callback query is answered once: the fake refuses a second answer like Telegram, as a final error", async () => {
    await telegram.act({ kind: "answer_callback", conversationId: "551000002", queryId: "q-once" }, ctx());
    expect(fake.callbackAnswers).toEqual([{ callback_query_id: "q-once" }]);
    const again = await telegram
      .act({ kind: "answer_callback", conversationId: "551000002", queryId: "q-once" }, ctx())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(again).toMatchObject({ retryable: false });
    expect(fake.callbackAnswers.length).toBe(1);
    // Text beyond the Bot API's 200 characters is refused too.
    const long = await telegram
      .act({ kind: "answer_callback", conversationId: "551000002", queryId: "q-long", text: "x".repeat(201) }, ctx())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(long).toMatchObject({ retryable: false });
  });

  test("MarkdownV2 that Telegram cannot parse is sent once more as plain text", async () => {
    fake.script({
      status: 400,
      body: {
        ok: false,
        error_code: 400,
        description: "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
      },
    });
    const result = await telegram.send(
      { conversationId: "551000001", content: { kind: "text", format: "markdown", text: "**Opening** hours: 10-16" } },
      ctx(),
    );
    expect(result.providerMessageId).toMatch(/^551000001:\d+$/);
    expect(fake.requests.map((r) => r.body)).toEqual([
      { chat_id: 551000001, text: "*Opening* hours: 10\\-16", parse_mode: "MarkdownV2" },
      { chat_id: 551000001, text: "Opening hours: 10-16" },
    ]);
  });

  test("upload: multipart sendDocument with the file in `document`", async () => {
    const data = new TextEncoder().encode("%PDF fake");
    const result = await telegram.send(
      {
        conversationId: "551000002",
        content: {
          kind: "media",
          mediaType: "document",
          caption: "Your invoice",
          source: { upload: { data, filename: "invoice.pdf", mimeType: "application/pdf" } },
        },
      },
      ctx(),
    );
    expect(result.providerMessageId).toMatch(/^551000002:\d+$/);
    const [r] = fake.requests;
    expect(r.headers.get("content-type")).toStartWith("multipart/form-data");
    expect(r.body).toEqual({
      chat_id: "551000002",
      caption: "Your invoice",
      document: { name: "invoice.pdf", type: "application/pdf", size: data.length, text: "%PDF fake" },
    });
  });

  test("4096 UTF-16 units go out, 4097 are refused before sending (emoji count double)", async () => {
    await telegram.send({ conversationId: "551000001", content: { kind: "text", text: "😀".repeat(2048) } }, ctx());
    const error = await telegram
      .send({ conversationId: "551000001", content: { kind: "text", text: `${"😀".repeat(2048)}x` } }, ctx())
      .catch((e) => e);
    expect(error).toMatchObject({ code: "channel.send_rejected", reason: "too_long" });
    expect(fake.requests).toHaveLength(1);
  });

  test("management calls: setWebhook with the secret, getMe, getFile URL", async () => {
    await setTelegramWebhook(ctx(), "https://xin.example.com/webhooks/telegram/ch_telegram_1", {
      allowedUpdates: ["message", "callback_query", "my_chat_member"],
    });
    expect(fake.requests[0].body).toEqual(request("set_webhook"));
    expect((await getTelegramMe(ctx())).username).toBe("xin_demo_bot");
    expect(await telegramFileUrl(ctx(), "AwACAgIAAxkBAAIBaWdFixtureVoice00001AAHxinTestQQ")).toBe(
      `${fake.url}/file/bot${TOKEN}/voice/file_1.oga`,
    );
    expect(fake.requests[2].body).toEqual(request("get_file"));
  });
});

// fixtures/channels/README.md, telegram/errors: the worker classification of each file.
const ERROR_EXPECTED: Record<string, { retryable: boolean; reason: string; retryAfterMs?: number }> = {
  "429_too_many_requests.429.json": { retryable: true, reason: "rate_limited", retryAfterMs: 17000 },
  "403_bot_blocked.403.json": { retryable: false, reason: "blocked" },
  "400_chat_not_found.400.json": { retryable: false, reason: "undeliverable" },
  "400_message_too_long.400.json": { retryable: false, reason: "too_long" },
  "400_group_migrated.400.json": { retryable: false, reason: "chat_migrated" },
  "409_conflict_webhook_active.409.json": { retryable: false, reason: "conflict" },
  "409_conflict_other_getupdates.409.json": { retryable: false, reason: "conflict" },
  "401_unauthorized.401.json": { retryable: false, reason: "auth" },
};

describe("telegram send: errors", () => {
  test.each(errorFixtures("telegram").map((f) => [f.file, f] as const))("%s", async (file, fixture) => {
    fake.script({ status: fixture.httpStatus, body: fixture.body });
    const error = await telegram
      .send({ conversationId: "551000001", content: { kind: "text", text: "hi" } }, ctx())
      .catch((e) => e);
    expect(error).toMatchObject({ ...ERROR_EXPECTED[file], providerCode: String(fixture.httpStatus) });
    expect(error.message).toBe((fixture.body as { description: string }).description);
  });

  test("group migration carries the new chat id", async () => {
    const fixture = errorFixtures("telegram").find((f) => f.file.includes("migrated"))!;
    fake.script({ status: 400, body: fixture.body });
    const error = await telegram
      .send({ conversationId: "-4001", content: { kind: "text", text: "hi" } }, ctx())
      .catch((e) => e);
    expect(error.data).toMatchObject({ migrate_to_chat_id: "-1001987654321" });
  });

  test("5xx is retryable; a wrong token is an auth failure", async () => {
    fake.script({ status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } });
    expect(
      await telegram.send({ conversationId: "1", content: { kind: "text", text: "x" } }, ctx()).catch((e) => e),
    ).toMatchObject({ retryable: true, reason: "unavailable" });
    expect(
      await telegram
        .send({ conversationId: "1", content: { kind: "text", text: "x" } }, ctx({ bot_token: "7000000001:wrong" }))
        .catch((e) => e),
    ).toMatchObject({ retryable: false, reason: "auth" });
  });
});
