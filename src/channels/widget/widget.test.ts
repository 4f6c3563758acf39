// The widget adapter's own guarantees beyond the shared conformance suite: origins are exact, visitor
// tokens cannot be forged or moved to another channel, and `send` hands the worker a NOTIFY to publish.
import { describe, expect, test } from "bun:test";
import { widget } from ".";
import { widgetCredentials } from "./credentials";
import { newVisitorId, visitorOfToken, visitorToken } from "./token";
import { widgetDeltaNotices, type WidgetNotice } from "./send";

const creds = widgetCredentials.parse({ allowed_origins: ["https://shop.example"] });

describe("credentials", () => {
  test("generates a widget id and a session secret once; parsing the stored output keeps them", () => {
    expect(creds.widget_id).toMatch(/^wgt_/);
    expect(creds.session_secret.length).toBeGreaterThanOrEqual(32);
    expect(widgetCredentials.parse(creds)).toEqual(creds);
    expect(widgetCredentials.parse({ allowed_origins: ["https://shop.example"] }).session_secret).not.toBe(
      creds.session_secret,
    );
  });

  test.each([
    ["https://shop.example", true],
    ["http://127.0.0.1:8080", true],
    ["https://shop.example/", false],
    ["https://shop.example/path", false],
    ["shop.example", false],
    ["javascript:alert(1)", false],
    ["*", false],
  ])("origin %s accepted: %p", (origin, ok) => {
    expect(widgetCredentials.safeParse({ allowed_origins: [origin] }).success).toBe(ok);
  });

  test("no origin at all is refused with the key named", () => {
    const result = widgetCredentials.safeParse({ allowed_origins: [] });
    expect(result.error?.issues[0]?.path).toEqual(["allowed_origins"]);
  });
});

describe("visitor tokens", () => {
  test("a token names its visitor; tampered, foreign and malformed tokens name nobody", () => {
    const id = newVisitorId();
    const token = visitorToken(creds, id);
    expect(visitorOfToken(creds, token)).toBe(id);
    const other = widgetCredentials.parse({ allowed_origins: ["https://shop.example"] });
    expect(visitorOfToken(other, token)).toBeNull();
    const otherId = newVisitorId();
    expect(visitorOfToken(creds, `${otherId}.${token.split(".")[1]}`)).toBeNull();
    for (const bad of ["", "v_x", "nodot", `${id}.`, `${token}x`, null, undefined])
      expect(visitorOfToken(creds, bad)).toBeNull();
  });
});

describe("parse", () => {
  const binding = { channelId: "chn_1", credentials: creds };
  const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

  test("text is byte-exact, the key is visitor:client id, buttons become button replies", () => {
    const visitor_id = newVisitorId();
    const text = "  Grüße 👩🏽‍💻\n<b>not html</b>  ";
    const result = widget.parse(
      encode({
        visitor_id,
        messages: [
          { id: "abcdefgh", sent_at: 1_790_000_000_000, text },
          { id: "ijklmnop", sent_at: 1_790_000_000_001, button: { id: "yes", title: "Yes" } },
        ],
      }),
      binding,
    );
    expect(result.messages.map((m) => m.providerMessageId)).toEqual([
      `${visitor_id}:abcdefgh`,
      `${visitor_id}:ijklmnop`,
    ]);
    expect(result.messages[0].content).toEqual({ kind: "text", text });
    expect(result.messages[1].content).toEqual({ kind: "button_reply", source: "button", id: "yes", title: "Yes" });
    expect(result.messages.every((m) => m.conversationId === visitor_id && m.accountId === creds.widget_id)).toBe(true);
  });

  test("a stored file becomes media with its blob named (nothing left to fetch) and the text as caption", () => {
    const visitor_id = newVisitorId();
    const file = { sha256: "a".repeat(64), size: 1234, mime_type: "application/pdf", name: "receipt.pdf" };
    const [m] = widget.parse(
      encode({ visitor_id, messages: [{ id: "abcdefgh", sent_at: 1_790_000_000_000, file, text: "my receipt" }] }),
      binding,
    ).messages;
    expect(m.content).toEqual({
      kind: "media",
      caption: "my receipt",
      media: {
        mediaType: "document",
        id: file.sha256,
        mimeType: "application/pdf",
        filename: "receipt.pdf",
        sizeBytes: 1234,
        sha256: file.sha256,
        blob: { sha256: file.sha256, size: 1234, mime_type: "application/pdf" },
      },
    });
  });

  test.each([
    [
      "a file type the widget does not take",
      {
        visitor_id: newVisitorId(),
        messages: [
          {
            id: "abcdefgh",
            sent_at: 1,
            file: { sha256: "a".repeat(64), size: 1, mime_type: "image/svg+xml", name: "x.svg" },
          },
        ],
      },
    ],
    [
      "a file over the limit",
      {
        visitor_id: newVisitorId(),
        messages: [
          {
            id: "abcdefgh",
            sent_at: 1,
            file: { sha256: "a".repeat(64), size: 10 * 1024 * 1024 + 1, mime_type: "image/png", name: "x.png" },
          },
        ],
      },
    ],
    ["bad visitor id", { visitor_id: "v_1", messages: [{ id: "abcdefgh", sent_at: 1, text: "x" }] }],
    ["no messages", { visitor_id: newVisitorId(), messages: [] }],
    ["empty item", { visitor_id: newVisitorId(), messages: [{ id: "abcdefgh", sent_at: 1 }] }],
    ["bad client id", { visitor_id: newVisitorId(), messages: [{ id: "a b", sent_at: 1, text: "x" }] }],
  ])("%s → webhook.payload_invalid", (_, body) => {
    expect(() => widget.parse(encode(body), binding)).toThrow(
      expect.objectContaining({ code: "webhook.payload_invalid" }),
    );
  });
});

describe("send", () => {
  const ctx = {
    channelId: "chn_1",
    credentials: creds,
    baseUrl: "",
    fetch,
    signal: new AbortController().signal,
    deadline: Date.now() + 1000,
  };

  test("returns a NOTIFY on xin_widget naming the channel, visitor and provider message id", async () => {
    const sent = await widget.send(
      {
        conversationId: "v_AAAAAAAAAAAAAAAAAAAAAA",
        content: { kind: "buttons", text: "Pick one", buttons: [{ id: "a", title: "A" }] },
      },
      ctx,
    );
    expect(sent.notify?.channel).toBe("xin_widget");
    const notice = JSON.parse(sent.notify?.payload ?? "{}") as WidgetNotice;
    expect(notice).toEqual({
      kind: "sent",
      channel_id: "chn_1",
      visitor_id: "v_AAAAAAAAAAAAAAAAAAAAAA",
      provider_message_id: sent.providerMessageId,
    });
  });

  test("a long streamed reply becomes delta notices that each fit a NOTIFY payload and rejoin to the text", () => {
    const text = "Grüße 👩🏽‍💻 ".repeat(600);
    const notices = widgetDeltaNotices("chn_1", "v_AAAAAAAAAAAAAAAAAAAAAA", "msg_1", text);
    expect(notices.length).toBeGreaterThan(1);
    for (const n of notices) expect(new TextEncoder().encode(n.payload).length).toBeLessThan(8000);
    expect(notices.map((n) => (JSON.parse(n.payload) as { text: string }).text).join("")).toBe(text);
  });

  test("templates and uploads are refused as unsupported, not retried", async () => {
    const template = {
      conversationId: "v",
      content: { kind: "template" as const, name: "t", language: "en", bodyParams: [] },
    };
    expect(await widget.send(template, ctx).catch((e) => e)).toMatchObject({ retryable: false, reason: "unsupported" });
    const upload = {
      conversationId: "v",
      content: {
        kind: "media" as const,
        mediaType: "image" as const,
        source: { upload: { data: new Uint8Array(1), filename: "a", mimeType: "image/png" } },
      },
    };
    expect(await widget.send(upload, ctx).catch((e) => e)).toMatchObject({ retryable: false, reason: "unsupported" });
  });
});
