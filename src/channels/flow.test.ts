// The two call sequences the foundation builds on, written only against the registry and the contract
// (no branching on provider id): the gateway's verify → parse, and the worker's send → classify.
import { afterAll, describe, expect, test } from "bun:test";
import { errorFixture, fixtureBytes, replyWith } from "../../test/support/fixtures";
import { startMetaGraphFake, startTelegramFake } from "../../test/support/fakes";
import {
  getChannel,
  isChannelError,
  metaSignatureHeader,
  shouldRespond,
  type OutboundMessage,
  type ParseResult,
  type WebhookRequest,
} from "./index";

type Row = { provider: string; channelId: string; sealedCredentials: Record<string, unknown> };

/** What gateway/webhooks.ts will do, minus the database: returns an HTTP status and what to persist. */
const handleWebhook = (row: Row, request: WebhookRequest): { status: number; body?: string; persist?: ParseResult } => {
  const channel = getChannel(row.provider);
  const binding = { channelId: row.channelId, credentials: channel.credentials.parse(row.sealedCredentials) };
  try {
    const verified = channel.verify(request, binding);
    if (verified.kind === "challenge") return { status: 200, body: verified.body };
    return { status: 200, persist: channel.parse(request.body, binding) };
  } catch (error) {
    if (isChannelError(error)) return { status: error.status, body: error.code };
    throw error;
  }
};

const wa: Row = {
  provider: "whatsapp",
  channelId: "ch_wa",
  sealedCredentials: { phone_number_id: "106540352242922", access_token: "tok", app_secret: "sec", verify_token: "vt" },
};
const tg: Row = {
  provider: "telegram",
  channelId: "ch_tg",
  sealedCredentials: { bot_token: "7000000001:AAFakeTokenForTestsOnly", secret_token: "tg_secret" },
};
const post = (body: Uint8Array, headers: Record<string, string>): WebhookRequest => ({
  method: "POST",
  headers: new Headers(headers),
  query: new URLSearchParams(),
  body,
});

describe("gateway flow", () => {
  test("signed WhatsApp text → 200 with one answerable message; forged → 401 and nothing to persist", () => {
    const body = fixtureBytes("whatsapp", "inbound/text.json");
    const ok = handleWebhook(wa, post(body, { "x-hub-signature-256": metaSignatureHeader("sec", body) }));
    expect(ok.status).toBe(200);
    expect(ok.persist?.messages.filter(shouldRespond)).toHaveLength(1);
    const forged = handleWebhook(wa, post(body, { "x-hub-signature-256": metaSignatureHeader("other", body) }));
    expect(forged).toEqual({ status: 401, body: "webhook.signature_invalid" });
  });

  test("valid signature over a wrong shape → 400; handshake → challenge; Telegram secret", () => {
    const bad = new TextEncoder().encode('{"object":"whatsapp_business_account","entry":"x"}');
    expect(handleWebhook(wa, post(bad, { "x-hub-signature-256": metaSignatureHeader("sec", bad) }))).toEqual({
      status: 400,
      body: "webhook.payload_invalid",
    });
    const get: WebhookRequest = {
      method: "GET",
      headers: new Headers(),
      query: new URLSearchParams("hub.mode=subscribe&hub.verify_token=vt&hub.challenge=42"),
      body: new Uint8Array(),
    };
    expect(handleWebhook(wa, get)).toEqual({ status: 200, body: "42" });
    const update = fixtureBytes("telegram", "inbound/private_text.json");
    expect(
      handleWebhook(tg, post(update, { "x-telegram-bot-api-secret-token": "tg_secret" })).persist?.messages,
    ).toHaveLength(1);
    expect(handleWebhook(tg, post(update, {})).status).toBe(401);
  });
});

describe("delivery flow", () => {
  const meta = startMetaGraphFake({ accessToken: "tok" });
  const bot = startTelegramFake({ token: "7000000001:AAFakeTokenForTestsOnly" });
  afterAll(async () => {
    await meta.stop();
    await bot.stop();
  });

  /** What workers/deliver.ts will do per attempt: send, or decide retry/fail from the error. */
  const deliver = async (row: Row, baseUrl: string, message: OutboundMessage) => {
    const channel = getChannel(row.provider);
    const ctx = {
      channelId: row.channelId,
      credentials: channel.credentials.parse(row.sealedCredentials),
      baseUrl,
      fetch,
      signal: new AbortController().signal,
      deadline: Date.now() + 5000,
    };
    try {
      return { state: "sent", id: (await channel.send(message, ctx)).providerMessageId };
    } catch (error) {
      if (!isChannelError(error)) throw error;
      return error.retryable
        ? { state: "retry", afterMs: error.retryAfterMs }
        : { state: "failed", code: error.providerCode, reason: error.reason };
    }
  };

  test("retry on 429/5xx until the provider recovers, then sent exactly once; permanent errors fail after one try", async () => {
    const reply: OutboundMessage = {
      conversationId: "4917000000011",
      content: { kind: "text", text: "Reserved for you." },
    };
    meta.script([
      { status: 429, body: {}, headers: { "retry-after": "2" } },
      { status: 500, body: {} },
    ]);
    const attempts = [
      await deliver(wa, meta.baseUrl, reply),
      await deliver(wa, meta.baseUrl, reply),
      await deliver(wa, meta.baseUrl, reply),
    ];
    expect(attempts.map((a) => a.state)).toEqual(["retry", "retry", "sent"]);
    expect(attempts[0]).toEqual({ state: "retry", afterMs: 2000 });
    expect(meta.requests).toHaveLength(3);

    meta.script(replyWith(errorFixture("whatsapp", "131047_outside_window.400.json")));
    expect(await deliver(wa, meta.baseUrl, reply)).toEqual({
      state: "failed",
      code: "131047",
      reason: "outside_window",
    });

    bot.script(replyWith(errorFixture("telegram", "403_bot_blocked.403.json")));
    expect(await deliver(tg, bot.url, { conversationId: "551000003", content: { kind: "text", text: "hi" } })).toEqual({
      state: "failed",
      code: "403",
      reason: "blocked",
    });
  });
});
