import { describe, expect, test } from "bun:test";
import { fixtureBytes } from "../../test/support/fixtures";
import { bodyOf, isStatusAdvance, shouldRespond, type DeliveryStatus, type InboundContent } from "./inbound";
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
  const wa = {
    channelId: "c",
    credentials: { phone_number_id: "106540352242922", access_token: "t", app_secret: "s", verify_token: "v" },
  };
  const first = (file: string) => whatsapp.parse(fixtureBytes("whatsapp", `inbound/${file}`), wa).messages[0];

  test.each([
    ["text.json", true],
    ["image_caption.json", true],
    ["interactive_button_reply.json", true],
    ["reaction.json", false],
  ])("%s → %p", (file, expected) => {
    expect(shouldRespond(first(file))).toBe(expected);
  });

  test("echoes and group chatter not for us are never answered; unsupported content awaits a turn (no silence)", () => {
    const text = first("text.json");
    expect(shouldRespond({ ...text, isEcho: true })).toBe(false);
    expect(shouldRespond({ ...text, isAddressedToUs: false })).toBe(false);
    expect(shouldRespond({ ...text, content: { kind: "unsupported", providerType: "x", reason: "y" } })).toBe(true);
    expect(
      shouldRespond({ ...text, content: { kind: "reaction", targetMessageId: "m", emoji: "👍", action: "react" } }),
    ).toBe(false);
  });
});

describe("registry", () => {
  test("unknown providers are a 404 ChannelError", () => {
    expect(() => getChannel("myspace")).toThrow(
      expect.objectContaining({ code: "channel.unknown_provider", status: 404 }),
    );
    expect(getChannel("telegram").id).toBe("telegram");
  });
});

describe("bodyOf", () => {
  test.each<[InboundContent, string | undefined]>([
    [{ kind: "text", text: "  exact 👩‍👩‍👧 " }, "  exact 👩‍👩‍👧 "],
    [{ kind: "media", media: { mediaType: "image", id: "1" }, caption: "this one" }, "this one"],
    [{ kind: "media", media: { mediaType: "image", id: "1" } }, undefined],
    [{ kind: "button_reply", source: "list", id: "ship_express", title: "Express shipping" }, "Express shipping"],
    [
      { kind: "location", latitude: 1, longitude: 2, name: "Alexanderplatz", address: "10178 Berlin" },
      "Alexanderplatz, 10178 Berlin",
    ],
    [{ kind: "location", latitude: 1, longitude: 2 }, undefined],
    [{ kind: "edit", originalMessageId: "a", content: { kind: "text", text: "size L" } }, "size L"],
    [{ kind: "reaction", targetMessageId: "a", emoji: "👍", action: "react" }, undefined],
  ])("%p → %p", (content, expected) => {
    expect(bodyOf(content)).toBe(expected);
  });
});
