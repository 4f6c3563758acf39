import { expect, test } from "bun:test";
import { parseText } from "./text";

test("blank lines separate paragraphs; hard wraps and CRLF are joined", () => {
  expect(parseText("Open Monday\r\nto Saturday.\r\n\r\n\r\nClosed on holidays.\n").sections).toEqual([
    { kind: "paragraph", text: "Open Monday to Saturday.", headingPath: [] },
    { kind: "paragraph", text: "Closed on holidays.", headingPath: [] },
  ]);
  expect(parseText("  \n\n ").sections).toEqual([]);
});

test("structured text: capital headings head their block, short lines stand alone, hard wraps are joined", () => {
  const text =
    "OPENING HOURS\n- Monday – Saturday: 12:00 PM – 8:00 PM\n- Sunday: 1:00 PM – 7:00 PM\n\nContacts\nPhone: +7 (343) 271-90-09\nWeChat: dima_tri\n";
  expect(parseText(text).sections).toEqual([
    { kind: "list_item", text: "- Monday – Saturday: 12:00 PM – 8:00 PM", headingPath: ["OPENING HOURS"] },
    { kind: "list_item", text: "- Sunday: 1:00 PM – 7:00 PM", headingPath: ["OPENING HOURS"] },
    { kind: "list_item", text: "Contacts", headingPath: [] },
    { kind: "list_item", text: "Phone: +7 (343) 271-90-09", headingPath: [] },
    { kind: "list_item", text: "WeChat: dima_tri", headingPath: [] },
  ]);
});

test("a block that starts with a question is an FAQ pair; a lone short line heads the blocks after it", () => {
  expect(
    parseText(
      "Questions and answers\n\nCan I go without buying anything?\nOf course, you don't have to\nbuy anything.\n",
    ).sections,
  ).toEqual([
    {
      kind: "faq",
      text: "Can I go without buying anything?\nOf course, you don't have to buy anything.",
      headingPath: ["Questions and answers"],
    },
  ]);
});
