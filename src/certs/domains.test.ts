import { expect, test } from "bun:test";
import { XinError } from "../runtime";
import { parseDomains } from "./domains";

const codeOf = (raw: string[]) => {
  try {
    parseDomains(raw);
    return null;
  } catch (e) {
    return e instanceof XinError ? e.code : "not a XinError";
  }
};

test("domains are lower-cased, trimmed of a final dot and de-duplicated", () => {
  expect(parseDomains(["Chat.Example.com", "chat.example.com.", "www.example.com"])).toEqual([
    "chat.example.com",
    "www.example.com",
  ]);
});

test("wildcards, IP addresses, bare names and junk are refused by name", () => {
  expect(codeOf([])).toBe("certs.domain_missing");
  expect(codeOf(["*.example.com"])).toBe("certs.domain_wildcard");
  for (const bad of [
    "localhost",
    "192.0.2.1",
    "-a.example.com",
    "a..example.com",
    "exa mple.com",
    `${"a".repeat(64)}.com`,
    "https://example.com",
  ]) {
    expect(codeOf([bad])).toBe("certs.domain_invalid");
  }
});
