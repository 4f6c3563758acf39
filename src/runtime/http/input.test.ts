import { expect, test } from "bun:test";
import { XinError } from "../errors";
import { checkRequestTarget, jsonIssue, MAX_JSON_DEPTH } from "./input";

const targetError = (path: string): string | null => {
  try {
    checkRequestTarget(new URL(`http://x${path}`));
    return null;
  } catch (e) {
    return e instanceof XinError ? `${e.code} ${e.message}` : String(e);
  }
};

test.each([
  ["/a/%00", "http.request_invalid path: contains a NUL character (U+0000)"],
  ["/a/%E0%A4%A", "http.request_invalid path: invalid percent-encoding"],
  ["/a/%ED%A0%80", "http.request_invalid path: invalid percent-encoding"],
  ["/a?brand=%00", "http.request_invalid query.brand: contains a NUL character (U+0000)"],
  ["/a?brand=%zz", "http.request_invalid query.brand: invalid percent-encoding"],
  ["/a?%00=1", "http.request_invalid query: contains a NUL character (U+0000)"],
  ["/a?x=1&y=%C3", "http.request_invalid query.y: invalid percent-encoding"],
])("%s is refused: %s", (path, expected) => {
  expect(targetError(path)).toBe(expected);
});

test.each(["/", "/a/b%20c", "/a/%F0%9F%91%9F", "/a?q=a+b&r=%C3%BC&flag", "/a?", "/a?x=%2B1"])("%s passes", (path) => {
  expect(targetError(path)).toBeNull();
});

test("jsonIssue names the first unstorable string or key and the depth limit, iteratively", () => {
  expect(jsonIssue({ a: ["ok", { b: "x\u0000" }] }, { strings: true })).toEqual({
    where: "body.a[1].b",
    why: "contains a NUL character (U+0000)",
  });
  expect(jsonIssue({ ["k\ud800"]: 1 }, { strings: true })).toEqual({
    where: "body",
    why: "a key contains an unpaired UTF-16 surrogate",
  });
  expect(jsonIssue({ a: "x\u0000" }, { strings: false })).toBeNull();
  expect(jsonIssue({ emoji: "👟 Größe 尺码", n: 1, t: true, z: null }, { strings: true })).toBeNull();
  const deep = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));
  expect(jsonIssue(deep, { strings: false })?.why).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  const justDeepEnough = JSON.parse("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH));
  expect(jsonIssue(justDeepEnough, { strings: true })).toBeNull();
});
