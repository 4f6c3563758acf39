import { describe, expect, test } from "bun:test";
import { fixtureBytes, fixtureJson, listFixtures } from "../../../test/support/fixtures";
import { whatsapp } from "./index";
import type { ParseResult } from "../types";

const channel = {
  channelId: "ch_wa_1",
  credentials: { phone_number_id: "106540352242922", access_token: "t", app_secret: "s", verify_token: "v" },
};
const parse = (body: Uint8Array | string): ParseResult =>
  whatsapp.parse(typeof body === "string" ? new TextEncoder().encode(body) : body, channel);
const parseFixture = (name: string) => parse(fixtureBytes("whatsapp", `inbound/${name}`));

const ANNA = "4917000000011";
const OUT_TEXT = "wamid.HBgNNDkxNzAwMDAwMDAxMRUCABEYEjAwMDAwMDAwMDAwMDAwMDBBMQA=";

// Every inbound fixture, with the normalized message (or status/event) a correct adapter produces.
const MESSAGE_CASES: [string, Record<string, unknown>][] = [
  [
    "text.json",
    {
      conversationId: ANNA,
      timestamp: 1764000000000,
      contact: { id: ANNA, name: "Anna Schmidt", phone: ANNA },
      content: { kind: "text", text: "Hi, do you have the blue jacket in size M?" },
    },
  ],
  [
    "image_caption.json",
    {
      content: {
        kind: "media",
        caption: "This one, from your shop window",
        media: {
          mediaType: "image",
          id: "1700000000000101",
          mimeType: "image/jpeg",
          url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1700000000000101",
          sha256: "FjJOnZI52JouHi3cy6Y01YyZNJOwFNmzCVjR0Co5EUA=",
        },
      },
    },
  ],
  [
    "document.json",
    {
      content: {
        kind: "media",
        caption: "My receipt",
        media: {
          mediaType: "document",
          id: "1700000000000102",
          filename: "receipt-2025-118.pdf",
          mimeType: "application/pdf",
          url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1700000000000102",
          sha256: "GNFEVuAsocib162OeOdGxLQ0+VwrpWJB5ku40Jdh5bo=",
        },
      },
    },
  ],
  [
    "audio_voice.json",
    {
      content: {
        kind: "media",
        media: {
          mediaType: "voice",
          id: "1700000000000103",
          mimeType: "audio/ogg; codecs=opus",
          sha256: "dOfq23z7H5n12pjgybMte2xmqbItLQLVwyrRuOUh/aw=",
        },
      },
    },
  ],
  [
    "location.json",
    {
      content: {
        kind: "location",
        latitude: 52.521918,
        longitude: 13.413215,
        name: "Alexanderplatz",
        address: "Alexanderplatz 1, 10178 Berlin",
      },
    },
  ],
  [
    "interactive_button_reply.json",
    {
      content: { kind: "button_reply", source: "button", id: "order_status", title: "Order status" },
      replyTo: {
        providerMessageId: "wamid.HBgNNDkxNzAwMDAwMDAxMhUCABEYEjAwMDAwMDAwMDAwMDAwMDBCMQA=",
        isButtonHost: true,
      },
    },
  ],
  [
    "interactive_list_reply.json",
    {
      content: {
        kind: "button_reply",
        source: "list",
        id: "ship_express",
        title: "Express shipping",
        description: "1-2 business days",
      },
    },
  ],
  [
    "button_template_quick_reply.json",
    {
      content: { kind: "button_reply", source: "template_button", id: "CONFIRM_APPOINTMENT", title: "Confirm" },
      replyTo: {
        providerMessageId: "wamid.HBgNNDkxNzAwMDAwMDAxMxUCABEYEjAwMDAwMDAwMDAwMDAwMDBDMQA=",
        isButtonHost: true,
      },
    },
  ],
  ["reaction.json", { content: { kind: "reaction", targetMessageId: OUT_TEXT, emoji: "👍", action: "react" } }],
  [
    "referral_ctwa_text.json",
    {
      content: { kind: "text", text: "Hello! Can I get more info on this?" },
      referral: {
        source: "ad",
        sourceId: "120200000000000001",
        sourceUrl: "https://fb.me/xinTestAd1",
        headline: "Chat with us on WhatsApp",
        body: "Winter jackets are back in stock",
        clickId: "ARAkLxinTestClickId0000000000000000000000000000000000000001",
        mediaType: "image",
        mediaUrl: "https://scontent.xx.fbcdn.net/v/t45.1600-4/xin-test-ad.jpg",
      },
    },
  ],
  [
    "text_bsuid_only.json",
    {
      conversationId: "DE.1781234567890123456",
      timestamp: 1781000000000,
      contact: {
        id: "DE.1781234567890123456",
        bsuid: "DE.1781234567890123456",
        name: "Emil Braun",
        username: "@emilbraun",
      },
      content: { kind: "text", text: "Is the store open on Sunday?" },
    },
  ],
];

describe("whatsapp parse: message fixtures", () => {
  test.each(MESSAGE_CASES)("%s", (file, expected) => {
    const result = parseFixture(file);
    const raw = fixtureJson<{ entry: { changes: { value: { messages: { id: string }[] } }[] }[] }>(
      "whatsapp",
      `inbound/${file}`,
    );
    expect(result.statuses).toEqual([]);
    expect(result.messages).toHaveLength(1);
    const [message] = result.messages;
    expect(message).toMatchObject({
      channel: "whatsapp",
      accountId: "106540352242922",
      isEcho: false,
      isGroup: false,
      ...expected,
    });
    expect(message.providerMessageId).toBe(raw.entry[0].changes[0].value.messages[0].id);
    // toMatchObject is a subset check: content and contact must match exactly, with no extra keys.
    expect(message.content).toEqual(expected.content as never);
    if (expected.contact) expect(message.contact).toEqual(expected.contact as never);
    expect(message.raw).toEqual(raw.entry[0].changes[0].value.messages[0]);
  });

  test("a plain text carries no reply context, referral or undefined keys", () => {
    const [message] = parseFixture("text.json").messages;
    expect(message.replyTo).toBeUndefined();
    expect(Object.values(message).includes(undefined)).toBe(false);
  });
});

describe("whatsapp parse: statuses and system errors", () => {
  test.each([
    ["status_sent.json", "sent", 1764000030000],
    ["status_delivered.json", "delivered", 1764000031000],
    ["status_read.json", "read", 1764000045000],
  ])("%s → %s", (file, status, timestamp) => {
    const result = parseFixture(file);
    expect(result.messages).toEqual([]);
    expect(result.statuses).toHaveLength(1);
    expect(result.statuses[0]).toMatchObject({
      providerMessageId: OUT_TEXT,
      status,
      timestamp,
      recipientId: ANNA,
      coversEarlier: false,
    });
    expect(result.statuses[0].error).toBeUndefined();
  });

  test("a status echoing biz_opaque_callback_data carries it as the attempt id; one without has none", () => {
    const raw = fixtureJson<{ entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[] }>(
      "whatsapp",
      "inbound/status_sent.json",
    );
    expect(parse(JSON.stringify(raw)).statuses[0].attemptId).toBeUndefined();
    raw.entry[0].changes[0].value.statuses[0].biz_opaque_callback_data = "att_0123456789abcdefghjkmnpq";
    expect(parse(JSON.stringify(raw)).statuses[0]).toMatchObject({
      providerMessageId: OUT_TEXT,
      status: "sent",
      attemptId: "att_0123456789abcdefghjkmnpq",
    });
  });

  test("failed status carries the provider error code", () => {
    const [status] = parseFixture("status_failed.json").statuses;
    expect(status).toMatchObject({
      status: "failed",
      recipientId: "4917000000014",
      error: { code: "131026", title: "Message undeliverable", details: "Message Undeliverable." },
    });
  });

  test("account-level error creates no message, only an event", () => {
    const result = parseFixture("system_error_130429.json");
    expect(result.messages).toEqual([]);
    expect(result.statuses).toEqual([]);
    expect(result.events).toEqual([
      {
        kind: "account_error",
        accountId: "106540352242922",
        code: "130429",
        title: "Rate limit hit",
        details: expect.stringContaining("too many messages"),
      },
    ]);
  });

  test("every inbound fixture parses without throwing", () => {
    for (const file of listFixtures("whatsapp", "inbound")) expect(() => parseFixture(file)).not.toThrow();
  });
});
