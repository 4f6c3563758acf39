import { describe, expect, test } from "bun:test";
import { instagram } from "./instagram";
import { telegram } from "./telegram";
import { whatsapp } from "./whatsapp";
import { messagingWindow } from "./window";

const H = 3_600_000;
const last = Date.parse("2026-11-20T10:00:00Z");

describe("messagingWindow", () => {
  test.each([
    ["whatsapp", 23.9, "ai", "free_form", whatsapp],
    ["whatsapp", 24, "ai", "template_only", whatsapp],
    ["whatsapp", 30, "human", "template_only", whatsapp],
    ["instagram", 23, "ai", "free_form", instagram],
    ["instagram", 25, "ai", "closed", instagram],
    ["instagram", 25, "human", "human_agent_tag", instagram],
    ["instagram", 24 * 7, "human", "closed", instagram],
    ["telegram", 24 * 365, "ai", "free_form", telegram],
    // The adapter last: a test name formats the leading values only (an adapter printed whole was 20,000 lines of output).
  ] as const)("%s after %p h by %s → %s", (_, hours, author, kind, channel) => {
    expect(messagingWindow(channel.capabilities, last, last + hours * H, author).kind).toBe(kind);
  });

  test("the human-agent allowance ends 7 days after the customer's last message", () => {
    expect(messagingWindow(instagram.capabilities, last, last + 48 * H, "human")).toEqual({
      kind: "human_agent_tag",
      closesAt: last + 168 * H,
    });
  });

  test("a customer who never wrote: template on WhatsApp, nothing on Instagram, anything on Telegram", () => {
    expect(messagingWindow(whatsapp.capabilities, undefined, last, "ai").kind).toBe("template_only");
    expect(messagingWindow(instagram.capabilities, undefined, last, "human").kind).toBe("closed");
    expect(messagingWindow(telegram.capabilities, undefined, last, "ai").kind).toBe("free_form");
  });
});
