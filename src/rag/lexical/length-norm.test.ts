import { expect, test } from "bun:test";
import { decodeLength, encodeLength } from "./length-norm";

test("lengths up to 40 are exact", () => {
  for (let n = 0; n <= 40; n++) expect(decodeLength(encodeLength(n))).toBe(n);
});

test("longer lengths round down within 1/8 and stay monotone", () => {
  let previous = 0;
  for (let n = 41; n < 200_000; n += 7) {
    const code = encodeLength(n);
    const back = decodeLength(code);
    expect(back).toBeLessThanOrEqual(n);
    expect(back).toBeGreaterThan(n * 0.875 - 1);
    expect(code).toBeGreaterThanOrEqual(previous);
    previous = code;
  }
  expect(encodeLength(2 ** 40)).toBeLessThanOrEqual(255);
});
