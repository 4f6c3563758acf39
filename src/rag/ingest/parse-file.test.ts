import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { detectFormat, formatFromContentType, parseSource } from "./parse-file";

const dir = join(import.meta.dir, "../../../test/fixtures/knowledge");
const bytesOf = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe("parseSource", () => {
  test("every fixture but the broken one parses, each in its own format", async () => {
    const formats: Record<string, string> = {};
    for (const name of readdirSync(dir).sort()) {
      const outcome = await parseSource({ path: name, bytes: bytesOf(name) });
      formats[name] = outcome.ok ? outcome.format : `failed: ${outcome.reason}`;
    }
    expect(formats).toEqual({
      "broken.pdf": "failed: cannot parse pdf: Invalid PDF structure.",
      "care.html": "html",
      "faq.csv": "csv",
      "faq.tsv": "tsv",
      "opening-hours.txt": "text",
      "products.json": "json",
      "returns.docx": "docx",
      "shipping.md": "markdown",
      "support.jsonl": "jsonl",
      "warranty.pdf": "pdf",
    });
  });

  test("failures are values with reasons a user can act on", async () => {
    const reasons = await Promise.all([
      parseSource({ path: "logo.png", bytes: utf8("x") }),
      parseSource({ path: "latin1.txt", bytes: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) }),
      parseSource({ path: "fake.pdf", bytes: utf8("hello") }),
      parseSource({ path: "fake.docx", bytes: utf8("hello") }),
      parseSource({ path: "empty.md", bytes: utf8("\n\n") }),
      parseSource({ path: "bad.json", bytes: utf8("{") }),
    ]);
    expect(reasons.map((r) => (r.ok ? "ok" : r.reason))).toEqual([
      expect.stringContaining("unsupported file type"),
      "cannot parse text: not valid UTF-8 text (convert the file to UTF-8)",
      "cannot parse pdf: not a PDF file (no %PDF- header)",
      "cannot parse docx: not a DOCX file (not a zip archive)",
      "no text found",
      expect.stringContaining("cannot parse json"),
    ]);
  });

  test("a PDF without a text layer says so", async () => {
    const { buildPdf } = await import("../../../test/support/knowledge-fixtures");
    const outcome = await parseSource({ path: "scan.pdf", bytes: buildPdf([[]], "Scan") });
    expect(outcome).toEqual({
      ok: false,
      format: "pdf",
      reason: "no text found (no text layer: a scanned PDF needs OCR first)",
    });
  });

  test("format detection by extension, case-insensitive; a BOM is dropped", async () => {
    expect(detectFormat("Docs/FAQ.CSV")).toBe("csv");
    expect(detectFormat("page.htm")).toBe("html");
    expect(detectFormat("README")).toBeUndefined();
    expect(formatFromContentType("text/html; charset=UTF-8")).toBe("html");
    expect(formatFromContentType("Application/PDF")).toBe("pdf");
    expect(formatFromContentType("image/png")).toBeUndefined();
    const outcome = await parseSource({ path: "a.md", bytes: utf8("\ufeff# Title\nbody") });
    expect(outcome.ok && outcome.document.title).toBe("Title");
  });
});
