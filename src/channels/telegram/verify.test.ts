import { describe, expect, test } from "bun:test";
import { fixtureBytes } from "../../../test/support/fixtures";
import type { WebhookRequest } from "../types";
import { telegram, telegramCredentials } from "./index";

const SECRET = "xinTestSecret_0123456789-abcdefABCDEF";
const channel = {
  channelId: "ch_tg_1",
  credentials: { bot_token: "7000000001:AAFakeTokenForTestsOnly", mode: "webhook" as const, secret_token: SECRET },
};
const request = (headers: Record<string, string>, method = "POST"): WebhookRequest => ({
  method,
  headers: new Headers(headers),
  query: new URLSearchParams(),
  body: fixtureBytes("telegram", "inbound/private_text.json"),
});

describe("telegram verify", () => {
  test("the secret token header verifies", () => {
    expect(telegram.verify(request({ "X-Telegram-Bot-Api-Secret-Token": SECRET }), channel)).toEqual({
      kind: "verified",
    });
  });

  test.each([
    ["missing header", {}],
    ["wrong token", { "X-Telegram-Bot-Api-Secret-Token": "nope" }],
    ["prefix of the token", { "X-Telegram-Bot-Api-Secret-Token": SECRET.slice(0, -1) }],
    ["token plus a byte", { "X-Telegram-Bot-Api-Secret-Token": `${SECRET}x` }],
  ])("%s → webhook.signature_invalid (401)", (_, headers) => {
    expect(() => telegram.verify(request(headers), channel)).toThrow(
      expect.objectContaining({ code: "webhook.signature_invalid", status: 401 }),
    );
  });

  test("a polling channel without a secret token refuses webhooks (fail closed)", () => {
    const polling = { ...channel, credentials: { bot_token: channel.credentials.bot_token, mode: "polling" as const } };
    expect(() => telegram.verify(request({ "X-Telegram-Bot-Api-Secret-Token": "" }), polling)).toThrow(
      expect.objectContaining({ code: "webhook.signature_invalid" }),
    );
  });

  test("GET is not a Telegram webhook", () => {
    expect(() => telegram.verify(request({}, "GET"), channel)).toThrow(
      expect.objectContaining({ code: "webhook.method_not_allowed", status: 405 }),
    );
  });
});

describe("telegram credentials", () => {
  test.each([
    [{ bot_token: "7000000001:AAFake" }, "secret_token"],
    [{ bot_token: "not-a-token", mode: "polling" }, "bot_token"],
    [{ bot_token: "7000000001:AAFake", secret_token: "has space" }, "secret_token"],
  ])("%p is refused at %s", (input, path) => {
    const result = telegramCredentials.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual([path]);
  });

  test("polling needs no secret; webhook mode is the default", () => {
    expect(telegramCredentials.parse({ bot_token: "7000000001:AAFake", mode: "polling" }).mode).toBe("polling");
    expect(telegramCredentials.parse({ bot_token: "7000000001:AAFake", secret_token: "abc_-1" }).mode).toBe("webhook");
  });
});
