import { describe, expect, test } from "bun:test";
import { fixtureBytes, fixtureJson, listFixtures } from "../../../test/support/fixtures";
import { telegram } from "./index";
import { bodyOf } from "../inbound";

const TOKEN = "7000000001:AAFakeTokenForTestsOnly";
const channel = {
  channelId: "ch_tg_1",
  credentials: { bot_token: TOKEN, mode: "webhook" as const, secret_token: "s", bot_username: "xin_demo_bot" },
};
const parseBytes = (bytes: Uint8Array, ch = channel) => telegram.parse(bytes, ch);
const parseFixture = (name: string) => parseBytes(fixtureBytes("telegram", `inbound/${name}`));
const parse = (update: unknown, ch = channel) => parseBytes(new TextEncoder().encode(JSON.stringify(update)), ch);

const ANNA = { id: "551000001", name: "Anna Schmidt", username: "anna_schmidt", languageCode: "de" };

const CASES: [string, Record<string, unknown>][] = [
  [
    "private_text.json",
    {
      providerMessageId: "551000001:101",
      conversationId: "551000001",
      isGroup: false,
      isAddressedToUs: true,
      timestamp: 1764000000000,
      contact: ANNA,
      content: { kind: "text", text: "Hallo! Are you open on Saturday?" },
    },
  ],
  [
    "start_command.json",
    {
      providerMessageId: "551000002:102",
      content: { kind: "text", text: "/start", command: { name: "start", args: "" } },
    },
  ],
  [
    "document.json",
    {
      providerMessageId: "551000001:104",
      content: {
        kind: "media",
        media: {
          mediaType: "document",
          id: "BQACAgIAAxkBAAIBaGdFixtureDocument0001AAHxinTestQQ",
          filename: "receipt-2025-118.pdf",
          mimeType: "application/pdf",
          sizeBytes: 48213,
        },
      },
    },
  ],
  [
    "voice.json",
    {
      providerMessageId: "551000001:105",
      content: {
        kind: "media",
        media: {
          mediaType: "voice",
          id: "AwACAgIAAxkBAAIBaWdFixtureVoice00001AAHxinTestQQ",
          mimeType: "audio/ogg",
          sizeBytes: 14336,
          durationSeconds: 4,
        },
      },
    },
  ],
  [
    "location.json",
    { providerMessageId: "551000003:106", content: { kind: "location", latitude: 52.521918, longitude: 13.413215 } },
  ],
  [
    "contact.json",
    {
      providerMessageId: "551000003:107",
      contact: { id: "551000003", name: "Clara Wolf", languageCode: "de", phone: "+4917000000013" },
      content: {
        kind: "contacts",
        contacts: [{ name: "Clara Wolf", phones: [{ phone: "+4917000000013" }], emails: [], userId: "551000003" }],
      },
    },
  ],
  [
    "group_mention.json",
    {
      providerMessageId: "-1001987654321:108",
      conversationId: "-1001987654321",
      isGroup: true,
      isAddressedToUs: true,
      contact: { id: "551000002", name: "Ben Keller", username: "benkeller", languageCode: "en" },
      content: { kind: "text", text: "@xin_demo_bot do you ship to Austria?", mentions: ["@xin_demo_bot"] },
    },
  ],
  [
    "callback_query.json",
    {
      providerMessageId: "callback:2367000000000000101",
      conversationId: "551000002",
      contact: { id: "551000002", name: "Ben Keller", username: "benkeller", languageCode: "en" },
      content: {
        kind: "callback_query",
        queryId: "2367000000000000101",
        data: "faq:shipping",
        title: "Shipping",
        hostMessageId: "551000002:103",
      },
    },
  ],
];

describe("telegram parse: fixtures", () => {
  test.each(CASES)("%s", (file, expected) => {
    const result = parseFixture(file);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({
      channel: "telegram",
      accountId: "7000000001",
      isEcho: false,
      ...expected,
    });
    const update = fixtureJson<Record<string, unknown>>("telegram", `inbound/${file}`);
    expect(result.messages[0].raw).toEqual(update.message ?? update.callback_query);
    // toMatchObject is a subset check: content and contact must match exactly, with no extra keys.
    expect(result.messages[0].content).toEqual(expected.content as never);
    if (expected.contact) expect(result.messages[0].contact).toEqual(expected.contact as never);
  });

  test("my_chat_member kicked → the chat is blocked, no message", () => {
    const result = parseFixture("my_chat_member_blocked.json");
    expect(result.messages).toEqual([]);
    expect(result.events).toEqual([
      { kind: "contact_blocked", accountId: "7000000001", conversationId: "551000003", timestamp: 1764000420000 },
    ]);
  });

  test("getUpdates response: each polled update goes through the same parse", () => {
    const { result } = fixtureJson<{ result: unknown[] }>("telegram", "inbound/get_updates.response.json");
    const parsed = result.map((u) => parse(u).messages[0]);
    expect(parsed.map((m) => [m.providerMessageId, m.content.kind])).toEqual([
      ["551000001:110", "text"],
      ["551000002:111", "text"],
      ["callback:2367000000000000112", "callback_query"],
    ]);
    expect(parsed[1].content).toMatchObject({ command: { name: "help", args: "" } });
  });

  test("every update fixture parses", () => {
    for (const f of listFixtures("telegram", "inbound").filter((f) => f !== "get_updates.response.json"))
      expect(() => parseFixture(f)).not.toThrow();
  });
});

const msg = (extra: Record<string, unknown>) => ({
  message_id: 300,
  from: { id: 551000001, is_bot: false, first_name: "Anna" },
  chat: { id: 551000001, type: "private", first_name: "Anna" },
  date: 1764000000,
  ...extra,
});

describe("telegram parse: shapes the fixtures leave out", () => {
  test("a photo with caption keeps the largest size and the caption", () => {
    const photo = [
      { file_id: "small", file_unique_id: "s", width: 90, height: 90, file_size: 1000 },
      { file_id: "large", file_unique_id: "l", width: 1280, height: 960, file_size: 90000 },
      { file_id: "medium", file_unique_id: "m", width: 320, height: 240, file_size: 9000 },
    ];
    const [m] = parse({ update_id: 1, message: msg({ photo, caption: "Is this in stock? 👀" }) }).messages;
    expect(m.content).toEqual({
      kind: "media",
      caption: "Is this in stock? 👀",
      media: { mediaType: "image", id: "large", width: 1280, height: 960, sizeBytes: 90000 },
    });
  });

  test("edited_message is an edit of the original, not a new question", () => {
    const [m] = parse({
      update_id: 2,
      edited_message: msg({ text: "open on Sunday?", edit_date: 1764000100 }),
    }).messages;
    expect(m.providerMessageId).toBe("551000001:300:edit:1764000100");
    expect(m.timestamp).toBe(1764000100000);
    expect(m.content).toEqual({
      kind: "edit",
      originalMessageId: "551000001:300",
      content: { kind: "text", text: "open on Sunday?" },
    });
  });

  test("byte-exact text with emoji ZWJ and RTL; mention offsets in UTF-16 units", () => {
    const text = "👩‍👩‍👧 @xin_demo_bot مرحبا";
    const [m] = parse({
      update_id: 3,
      message: msg({
        chat: { id: -100, type: "supergroup", title: "g" },
        text,
        entities: [{ type: "mention", offset: 9, length: 13 }],
      }),
    }).messages;
    expect(m.content).toEqual({ kind: "text", text, mentions: ["@xin_demo_bot"] });
    expect(m.isAddressedToUs).toBe(true);
  });

  test("group chatter that is not for the bot is flagged not addressed", () => {
    const [m] = parse({
      update_id: 4,
      message: msg({
        chat: { id: -100, type: "supergroup", title: "g" },
        text: "@someone_else hi",
        entities: [{ type: "mention", offset: 0, length: 13 }],
      }),
    }).messages;
    expect(m.isAddressedToUs).toBe(false);
  });

  test("a reply to the bot in a group is addressed to it and keeps the reply context", () => {
    const [m] = parse({
      update_id: 5,
      message: msg({
        chat: { id: -100, type: "supergroup", title: "g" },
        text: "and Sundays?",
        reply_to_message: {
          message_id: 202,
          from: { id: 7000000001, is_bot: true, first_name: "Xin" },
          chat: { id: -100, type: "supergroup" },
          date: 1,
        },
      }),
    }).messages;
    expect(m.isAddressedToUs).toBe(true);
    expect(m.replyTo).toEqual({ providerMessageId: "-100:202", isButtonHost: false });
  });

  test("unknown message kinds are kept and flagged; unknown update kinds are counted", () => {
    const [m] = parse({ update_id: 6, message: msg({ poll: { id: "p", question: "?" } }) }).messages;
    expect(m.content).toEqual({ kind: "unsupported", providerType: "poll", reason: "message kind not handled by xin" });
    expect(parse({ update_id: 7, guest_message: { x: 1 } }).skipped).toEqual([
      { reason: "unknown_event", detail: "telegram update guest_message" },
    ]);
  });

  test("unblocking is an event; reactions are messages keyed per user and date", () => {
    const member = {
      chat: { id: 551000003, type: "private" },
      from: { id: 551000003, first_name: "C" },
      date: 1764000500,
    };
    expect(
      parse({
        update_id: 8,
        my_chat_member: { ...member, old_chat_member: { status: "kicked" }, new_chat_member: { status: "member" } },
      }).events[0].kind,
    ).toBe("contact_unblocked");
    const [r] = parse({
      update_id: 9,
      message_reaction: {
        chat: { id: 551000001, type: "private" },
        message_id: 201,
        user: { id: 551000001, first_name: "A" },
        date: 1764000600,
        old_reaction: [],
        new_reaction: [{ type: "emoji", emoji: "👍" }],
      },
    }).messages;
    expect(r).toMatchObject({
      providerMessageId: "551000001:201:reaction:551000001:1764000600",
      content: { kind: "reaction", targetMessageId: "551000001:201", emoji: "👍", action: "react" },
    });
  });

  test("channel posts and their edits are no customer messages: skipped, nothing to store", () => {
    const post = {
      message_id: 9,
      date: 1764000000,
      chat: { id: -1009, type: "channel", title: "News" },
      sender_chat: { id: -1009, type: "channel", title: "News" },
      text: "Sale today",
    };
    for (const kind of ["channel_post", "edited_channel_post"]) {
      const out = parse({ update_id: 10, [kind]: { ...post, edit_date: 1764000100 } });
      expect(out).toEqual({
        messages: [],
        statuses: [],
        events: [],
        skipped: [{ reason: "not_customer", detail: "telegram channel post" }],
      });
    }
  });

  test.each([
    [
      "pinned_message",
      {
        pinned_message: {
          message_id: 299,
          date: 1764000000,
          chat: { id: -100, type: "supergroup" },
          text: "Faster than a bullet",
        },
      },
    ],
    ["new_chat_members", { new_chat_members: [{ id: 5, is_bot: false, first_name: "Dora" }] }],
    ["forum_topic_created", { forum_topic_created: { name: "Orders", icon_color: 7322096 } }],
  ])("a %s service notice is skipped, not stored as unsupported customer content", (field, extra) => {
    const out = parse({
      update_id: 11,
      message: msg({ chat: { id: -100, type: "supergroup", title: "g" }, ...extra }),
    });
    expect(out.messages).toEqual([]);
    expect(out.skipped).toEqual([{ reason: "not_customer", detail: `telegram message service ${field}` }]);
  });

  test("a button press reads as the tapped label when its keyboard is known, else as its data; it points at the host message", () => {
    const keyboard = {
      inline_keyboard: [
        [
          { text: "Track my order", callback_data: "track" },
          { text: "Visit", url: "https://example.com" },
        ],
      ],
    };
    const host = {
      message_id: 400,
      chat: { id: 551000001, type: "private" },
      date: 1764000000,
      text: "How can I help?",
      reply_markup: keyboard,
    };
    const from = { id: 551000001, is_bot: false, first_name: "Anna" };
    const [known] = parse({
      update_id: 12,
      callback_query: { id: "q1", from, message: host, chat_instance: "c", data: "track" },
    }).messages;
    expect(known.content).toEqual({
      kind: "callback_query",
      queryId: "q1",
      data: "track",
      title: "Track my order",
      hostMessageId: "551000001:400",
    });
    expect(known.replyTo).toEqual({ providerMessageId: "551000001:400", isButtonHost: true });
    expect(bodyOf(known.content)).toBe("Track my order");
    const [unknown] = parse({
      update_id: 13,
      callback_query: { id: "q2", from, chat_instance: "c", data: "other", inline_message_id: "im" },
    }).messages;
    expect(unknown.content).toEqual({ kind: "callback_query", queryId: "q2", data: "other" });
    expect(bodyOf(unknown.content)).toBe("other");
  });

  test.each([
    ["no update_id", { message: msg({ text: "x" }) }],
    ["update_id as string", { update_id: "1", message: msg({ text: "x" }) }],
    ["message without chat", { update_id: 1, message: { message_id: 1, date: 1, text: "x" } }],
    ["callback without id", { update_id: 1, callback_query: { from: { id: 1 }, data: "x" } }],
    [
      "channel post whose text is a number",
      { update_id: 1, channel_post: { message_id: 1, date: 1, chat: { id: -1, type: "channel" }, text: 5 } },
    ],
    ["array body", [{ update_id: 1 }]],
  ])("%s → webhook.payload_invalid", (_, body) => {
    expect(() => parse(body)).toThrow(expect.objectContaining({ code: "webhook.payload_invalid", status: 400 }));
  });
});
