import { expect, test } from "bun:test";
import { classifySource, hashSource, missingSources } from "./source-hash";

test("hash is sha256 of the raw bytes, the same for a string and its UTF-8 bytes", () => {
  expect(hashSource("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  expect(hashSource(new TextEncoder().encode("abc"))).toBe(hashSource("abc"));
});

test("classifySource and missingSources drive idempotent re-ingestion", () => {
  expect(classifySource(undefined, "h1")).toBe("added");
  expect(classifySource("h1", "h1")).toBe("unchanged");
  expect(classifySource("h1", "h2")).toBe("changed");
  expect(missingSources(["b.md", "a.md", "c.md"], new Set(["a.md"]))).toEqual(["b.md", "c.md"]);
});
