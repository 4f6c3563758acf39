import { describe, expect, test } from "bun:test";
import { fixtureBytes } from "../../test/support/fixtures";
import { isStatusAdvance, shouldRespond, type DeliveryStatus } from "./inbound";
import { getChannel } from "./registry";
import { whatsapp } from "./whatsapp";

describe("status ordering", () => {
  test.each<[DeliveryStatus | undefined, DeliveryStatus, boolean]>([
    [undefined, "sent", true],
    ["sent", "delivered", true],
    ["delivered", "read", true],
    ["read", "delivered", false],
    ["read", "sent", false],
    ["delivered", "delivered", false],
    ["read", "failed", true],
    ["failed", "read", false],
  ])("%p → %p advances: %p", (current, next, expected) => {
    expect(isStatusAdvance(current, next)).toBe(expected);
  });
});

describe("shouldRespond", () => {
  const wa = { channelId: "c", credentials: { phone_number_id: "106540352242922", access_token: "t", app_secret: "s", verify_token: "v" } };
  const first = (file: string) => whatsapp.parse(fixtureBytes("whatsapp", `inbound/${file}`), wa).messages[0];

  test.each([
    ["text.json", true],
    ["image_caption.json", true],
    ["interactive_button_reply.json", true],
    ["reaction.json", false],
  ])("%s → %p", (file, expected) => {
    expect(shouldRespond(first(file))).toBe(expected);
  });

  test("echoes and group chatter not for us are never answered", () => {
    const text = first("text.json");
    expect(shouldRespond({ ...text, isEcho: true })).toBe(false);
    expect(shouldRespond({ ...text, isAddressedToUs: false })).toBe(false);
    expect(shouldRespond({ ...text, content: { kind: "unsupported", providerType: "x", reason: "y" } })).toBe(false);
  });
});

describe("registry", () => {
  test("unknown providers are a 404 ChannelError", () => {
    expect(() => getChannel("myspace")).toThrow(expect.objectContaining({ code: "channel.unknown_provider", status: 404 }));
    expect(getChannel("telegram").id).toBe("telegram");
  });
});
