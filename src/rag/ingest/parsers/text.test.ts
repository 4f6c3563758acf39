import { expect, test } from "bun:test";
import { parseText } from "./text";

test("blank lines separate paragraphs; hard wraps and CRLF are joined", () => {
  expect(parseText("Open Monday\r\nto Saturday.\r\n\r\n\r\nClosed on holidays.\n").sections).toEqual([
    { kind: "paragraph", text: "Open Monday to Saturday.", headingPath: [] },
    { kind: "paragraph", text: "Closed on holidays.", headingPath: [] },
  ]);
  expect(parseText("  \n\n ").sections).toEqual([]);
});
