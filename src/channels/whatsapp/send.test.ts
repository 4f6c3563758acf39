import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { errorFixture, fixtureJson } from "../../../test/support/fixtures";
import { startMetaGraphFake } from "../../../test/support/fakes";
import type { ChannelContext, OutboundMessage } from "../types";
import { ChannelError } from "../errors";
import { whatsapp, whatsappMediaUrl, type WhatsappCredentials } from "./index";

const TOKEN = "wa-test-token";
const fake = startMetaGraphFake({ accessToken: TOKEN });
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const ctx = (overrides: Partial<ChannelContext<WhatsappCredentials>> = {}): ChannelContext<WhatsappCredentials> => ({
  channelId: "ch_wa_1",
  credentials: { phone_number_id: "106540352242922", access_token: TOKEN, app_secret: "s", verify_token: "v" },
  baseUrl: fake.baseUrl,
  fetch,
  signal: new AbortController().signal,
  deadline: Date.now() + 5000,
  ...overrides,
});

const request = (name: string) => fixtureJson<Record<string, unknown>>("whatsapp", `send/${name}.request.json`);
const response = (name: string) =>
  fixtureJson<{ messages: { id: string }[] }>("whatsapp", `send/${name}.response.json`);

// Each outbound message xin may produce, and the fixture its request body must equal.
const SEND_CASES: [string, OutboundMessage][] = [
  [
    "text",
    {
      conversationId: "4917000000011",
      content: {
        kind: "text",
        text: "Yes, the blue jacket is available in size M. Would you like us to reserve it for you?",
      },
    },
  ],
  [
    "image_link",
    {
      conversationId: "4917000000011",
      content: {
        kind: "media",
        mediaType: "image",
        source: { url: "https://shop.example.com/media/blue-jacket.jpg" },
        caption: "Blue jacket, size M",
      },
    },
  ],
  [
    "document_id",
    {
      conversationId: "4917000000012",
      content: {
        kind: "media",
        mediaType: "document",
        source: { providerMediaId: "1700000000000201" },
        filename: "invoice-2025-118.pdf",
        caption: "Your invoice",
      },
    },
  ],
  [
    "interactive_buttons",
    {
      conversationId: "4917000000012",
      content: {
        kind: "buttons",
        text: "How can I help you with your order?",
        footer: "Xin demo shop",
        buttons: [
          { id: "order_status", title: "Order status" },
          { id: "return_item", title: "Return an item" },
          { id: "talk_to_human", title: "Talk to a person" },
        ],
      },
    },
  ],
  [
    "interactive_list",
    {
      conversationId: "4917000000012",
      content: {
        kind: "list",
        header: "Shipping options",
        text: "Which shipping option do you prefer?",
        footer: "Prices include VAT",
        buttonLabel: "Choose option",
        sections: [
          {
            title: "Fast",
            rows: [
              { id: "ship_express", title: "Express shipping", description: "1-2 business days" },
              { id: "ship_priority", title: "Priority shipping", description: "2-3 business days" },
            ],
          },
          {
            title: "Standard",
            rows: [
              { id: "ship_standard", title: "Standard shipping", description: "3-5 business days" },
              { id: "ship_pickup", title: "Store pickup", description: "Collect in store, free" },
            ],
          },
        ],
      },
    },
  ],
  [
    "template",
    {
      conversationId: "4917000000013",
      content: {
        kind: "template",
        name: "appointment_reminder",
        language: "en_US",
        bodyParams: ["Clara", "Tuesday 10:00"],
        quickReplyPayloads: ["CONFIRM_APPOINTMENT", "RESCHEDULE_APPOINTMENT"],
      },
    },
  ],
];

describe("whatsapp send: request bodies equal the fixtures", () => {
  test.each(SEND_CASES)("%s", async (name, message) => {
    fake.script({ status: 200, body: response(name) });
    const result = await whatsapp.send(message, ctx());
    expect(result).toEqual({ providerMessageId: response(name).messages[0].id });
    expect(fake.requests).toHaveLength(1);
    const [r] = fake.requests;
    expect([r.method, r.path]).toEqual(["POST", "/v25.0/106540352242922/messages"]);
    expect(r.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.body).toEqual(request(name));
  });

  test("the attempt id rides as biz_opaque_callback_data, the rest of the body unchanged", async () => {
    fake.script({ status: 200, body: response("text") });
    const [, message] = SEND_CASES[0];
    await whatsapp.send({ ...message, attemptId: "att_0123456789abcdefghjkmnpq" }, ctx());
    expect(fake.requests[0].body).toEqual({
      ...request("text"),
      biz_opaque_callback_data: "att_0123456789abcdefghjkmnpq",
    });
  });

  test("actions: reaction, mark-as-read and typing indicator", async () => {
    const inbound = "wamid.HBgNNDkxNzAwMDAwMDAxMRUCABIYFDNBMDAwMDAwMDAwMDAwMDAwMDAxAA==";
    await whatsapp.act(
      { kind: "react", conversationId: "4917000000011", providerMessageId: inbound, emoji: "👍" },
      ctx(),
    );
    await whatsapp.act({ kind: "mark_read", conversationId: "4917000000011", providerMessageId: inbound }, ctx());
    await whatsapp.act({ kind: "typing", conversationId: "4917000000011", providerMessageId: inbound }, ctx());
    await whatsapp.act({ kind: "answer_callback", conversationId: "4917000000011", queryId: "x" }, ctx());
    expect(fake.requests.map((r) => r.body)).toEqual([
      request("reaction"),
      request("mark_read"),
      request("typing_indicator"),
    ]);
  });

  test("markdown is rendered in WhatsApp's flavour; a BSUID goes in `recipient`; replyTo becomes context", async () => {
    await whatsapp.send(
      {
        conversationId: "DE.1781234567890123456",
        replyTo: "wamid.Q",
        content: { kind: "text", text: "**Yes**, on *Sunday*", format: "markdown" },
      },
      ctx(),
    );
    expect(fake.requests[0].body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      recipient: "DE.1781234567890123456",
      type: "text",
      text: { preview_url: false, body: "*Yes*, on _Sunday_" },
      context: { message_id: "wamid.Q" },
    });
  });

  test("upload: multipart POST /media first, then the message by the returned id", async () => {
    const data = new TextEncoder().encode("%PDF-1.4 fake");
    const result = await whatsapp.send(
      {
        conversationId: "4917000000012",
        content: {
          kind: "media",
          mediaType: "document",
          source: { upload: { data, filename: "invoice.pdf", mimeType: "application/pdf" } },
          caption: "Your invoice",
        },
      },
      ctx(),
    );
    expect(result.providerMessageId).toStartWith("wamid.FAKE");
    const [upload, send] = fake.requests;
    expect(upload.path).toBe("/v25.0/106540352242922/media");
    expect(upload.headers.get("content-type")).toStartWith("multipart/form-data");
    expect(upload.body).toEqual({
      messaging_product: "whatsapp",
      type: "application/pdf",
      file: { name: "invoice.pdf", type: "application/pdf", size: data.length, text: "%PDF-1.4 fake" },
    });
    // The fake answers uploads with ids "17000000009" + a 6-digit counter.
    expect(send.body).toMatchObject({
      type: "document",
      document: { id: expect.stringMatching(/^17000000009\d{6}$/), filename: "invoice.pdf", caption: "Your invoice" },
    });
  });

  test("too long text is rejected before any request", async () => {
    const error = await whatsapp
      .send({ conversationId: "491", content: { kind: "text", text: "x".repeat(4097) } }, ctx())
      .catch((e) => e);
    expect(error).toMatchObject({ code: "channel.send_rejected", reason: "too_long", retryable: false });
    expect(fake.requests).toHaveLength(0);
  });

  test("media URL lookup reads the documented answer (media_get.response.json)", async () => {
    fake.script({ status: 200, body: fixtureJson("whatsapp", "send/media_get.response.json") });
    expect(await whatsappMediaUrl(ctx(), "1700000000000103")).toEqual({
      url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1700000000000103",
      mimeType: "audio/ogg; codecs=opus",
    });
    expect(fake.requests[0].query.get("phone_number_id")).toBe("106540352242922");
  });

  test("media URL lookup for inbound media ids", async () => {
    const info = await whatsappMediaUrl(ctx(), "1700000000000103");
    expect(info.url).toBe(`${fake.url}/download/1700000000000103`);
    expect(fake.requests[0]).toMatchObject({ method: "GET", path: "/v25.0/1700000000000103" });
  });
});

describe("whatsapp send: provider errors become ChannelErrors", () => {
  const text: OutboundMessage = { conversationId: "4917000000011", content: { kind: "text", text: "hello" } };

  test.each([
    ["131047_outside_window.400.json", false, "outside_window"],
    ["131026_undeliverable.400.json", false, "undeliverable"],
    ["130429_throughput.400.json", true, "rate_limited"],
    ["190_token_expired.401.json", false, "auth"],
    ["131016_service_unavailable.500.json", true, "unavailable"],
  ] as const)("%s", async (file, retryable, reason) => {
    const fixture = errorFixture("whatsapp", file);
    fake.script({ status: fixture.httpStatus, body: fixture.body });
    const error = await whatsapp.send(text, ctx()).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ retryable, reason, providerCode: file.split("_")[0] });
  });

  test("429 with Retry-After is retryable after that delay", async () => {
    fake.script({
      status: 429,
      body: { error: { code: 4, message: "(#4) Application request limit reached" } },
      headers: { "retry-after": "12" },
    });
    expect(await whatsapp.send(text, ctx()).catch((e) => e)).toMatchObject({
      code: "channel.send_retryable",
      retryAfterMs: 12000,
    });
  });

  test("a bare 502 is retryable", async () => {
    fake.script({ status: 502, body: "" });
    expect(await whatsapp.send(text, ctx()).catch((e) => e)).toMatchObject({
      code: "channel.send_retryable",
      reason: "unavailable",
    });
  });

  test("a hanging provider times out at the deadline, retryable", async () => {
    fake.script({ hang: true });
    const started = Date.now();
    const error = await whatsapp.send(text, ctx({ deadline: Date.now() + 300 })).catch((e) => e);
    expect(error).toMatchObject({ code: "channel.send_retryable", reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("shutdown aborts an in-flight send as retryable", async () => {
    fake.script({ hang: true });
    const controller = new AbortController();
    const pending = whatsapp.send(text, ctx({ signal: controller.signal }));
    await fake.waitForRequests(1);
    controller.abort();
    expect(await pending.catch((e) => e)).toMatchObject({ code: "channel.send_retryable", reason: "aborted" });
  });

  test("an unreachable provider is retryable (network)", async () => {
    const error = await whatsapp.send(text, ctx({ baseUrl: "http://127.0.0.1:1/v25.0" })).catch((e) => e);
    expect(error).toMatchObject({ code: "channel.send_retryable", reason: "network" });
  });

  test("the fake rejects a wrong token like Graph does", async () => {
    const error = await whatsapp
      .send(text, ctx({ credentials: { ...ctx().credentials, access_token: "wrong" } }))
      .catch((e) => e);
    expect(error).toMatchObject({ code: "channel.send_rejected", reason: "auth", providerCode: "190" });
  });
});
