import { describe, expect, test } from "bun:test";
import { escapeMarkdownV2, measureText, renderMarkdown, splitText } from "./text";

describe("measureText", () => {
  test.each([
    ["abc", 3, 3, 3],
    ["äöü", 3, 6, 3],
    ["👍", 2, 4, 1],
    ["👩‍👩‍👧", 8, 18, 5],
    ["مرحبا", 5, 10, 5],
  ])("%p counts %p utf16, %p bytes, %p code points", (text, utf16, bytes, points) => {
    expect(measureText(text, "utf16")).toBe(utf16);
    expect(measureText(text, "utf8_bytes")).toBe(bytes);
    expect(measureText(text, "code_points")).toBe(points);
  });
});

describe("splitText", () => {
  test("text under the limit is one unchanged part", () => {
    expect(splitText("  Hello there.  ", 100, "utf16")).toEqual(["  Hello there.  "]);
  });

  test("prefers a paragraph break", () => {
    const text = "First paragraph, one. Two.\n\nSecond paragraph here.";
    expect(splitText(text, 40, "utf16")).toEqual(["First paragraph, one. Two.", "Second paragraph here."]);
    // A later sentence end inside the window must not win over the paragraph break.
    expect(splitText("Para one. Still one.\n\nPara two. More text here.", 45, "utf16")).toEqual([
      "Para one. Still one.",
      "Para two. More text here.",
    ]);
  });

  test("falls back to a sentence end, then a word boundary", () => {
    expect(splitText("One sentence here. Another one follows it.", 30, "utf16")).toEqual([
      "One sentence here.",
      "Another one follows it.",
    ]);
    expect(splitText("alpha beta gamma delta epsilon", 12, "utf16")).toEqual(["alpha beta", "gamma delta", "epsilon"]);
  });

  test("hard-cuts a word longer than the limit without splitting graphemes", () => {
    const parts = splitText("👍👍👍👍👍", 5, "utf16");
    expect(parts).toEqual(["👍👍", "👍👍", "👍"]);
    const family = "👩‍👩‍👧";
    expect(splitText(family.repeat(3), 10, "utf16")).toEqual([family, family, family]);
  });

  test("every part fits and no non-space character is lost, in every unit", () => {
    const text = "Grüße aus Köln! Wir liefern in 3–5 Tagen. مرحبا بكم 👩‍👩‍👧 🇩🇪.\n\n".repeat(40);
    for (const unit of ["utf16", "utf8_bytes", "code_points"] as const) {
      const parts = splitText(text, 100, unit);
      expect(parts.length).toBeGreaterThan(1);
      for (const part of parts) expect(measureText(part, unit)).toBeLessThanOrEqual(100);
      expect(parts.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
    }
  });

  test("Telegram counts UTF-16: 4096 emoji take two parts", () => {
    const parts = splitText("😀".repeat(4096), 4096, "utf16");
    expect(parts.map((p) => p.length)).toEqual([4096, 4096]);
  });
});

describe("renderMarkdown", () => {
  test.each([
    [
      "plain",
      "**Opening hours** are *short*: see [site](https://x.example/h) or `code`",
      "Opening hours are short: see site (https://x.example/h) or code",
    ],
    ["whatsapp", "**Bold** and *italic* and ~~gone~~", "*Bold* and _italic_ and ~gone~"],
    ["whatsapp", "## Heading\nsnake_case_name stays", "*Heading*\nsnake_case_name stays"],
    [
      "telegram_markdown_v2",
      "**Opening hours**\nMon-Fri 09:00-18:00\nSat 10:00-16:00",
      "*Opening hours*\nMon\\-Fri 09:00\\-18:00\nSat 10:00\\-16:00",
    ],
    [
      "telegram_markdown_v2",
      "Price: 5.00 (net) [shop](https://s.example/a_(b))",
      "Price: 5\\.00 \\(net\\) [shop](https://s.example/a_(b)\\)",
    ],
    ["plain", "a * b * c and 2*3", "a * b * c and 2*3"],
  ] as const)("%s: %p", (flavour, input, expected) => {
    expect(renderMarkdown(input, flavour)).toBe(expected);
  });

  test("escapeMarkdownV2 escapes every special character", () => {
    expect(escapeMarkdownV2("_*[]()~`>#+-=|{}.!\\")).toBe("\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\");
  });
});
