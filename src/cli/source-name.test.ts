import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { pickSource } from "./source-name";

const names = [
  "faq.csv",
  "faq/kites.md",
  "manuals/warranty.pdf",
  "legal/warranty.pdf",
  "https://shop.example/help",
  resolve("old/returns.docx"),
];

describe("pickSource", () => {
  test("the exact name, or the absolute path an older version stored", () => {
    expect(pickSource(names, "faq/kites.md")).toBe("faq/kites.md");
    expect(pickSource(names, "old/returns.docx")).toBe(resolve("old/returns.docx"));
  });

  test("a shorter or longer spelling of a path, when only one source fits", () => {
    expect(pickSource(names, "kites.md")).toBe("faq/kites.md");
    expect(pickSource(names, "./docs/faq.csv")).toBe("faq.csv");
    expect(pickSource(names, "docs/faq/kites.md")).toBe("faq/kites.md");
    expect(pickSource(names, "help")).toBe("https://shop.example/help");
  });

  test("several fitting is a usage error naming them; nothing fitting is null", () => {
    expect(() => pickSource(names, "warranty.pdf")).toThrow(
      /fits 2 sources: manuals\/warranty.pdf, legal\/warranty.pdf/,
    );
    expect(pickSource(names, "manuals/warranty.pdf")).toBe("manuals/warranty.pdf");
    expect(pickSource(names, "nothing.md")).toBeNull();
    expect(pickSource(names, "./")).toBeNull();
  });
});
