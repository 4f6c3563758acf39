import { expect, test } from "bun:test";
import { decodeVector, encodeVector } from "./vector-codec";

test("float32 little-endian round trip, exact for float32 values", () => {
  const v = new Float32Array([1, -0.5, 3.1415927, 1e-30, -65504]);
  const bytes = encodeVector(v);
  expect(bytes.byteLength).toBe(20);
  expect([...bytes.slice(0, 4)]).toEqual([0x00, 0x00, 0x80, 0x3f]); // 1.0f little-endian
  expect(decodeVector(bytes)).toEqual(v);
});

test("decodes from a view with an offset (as drivers hand out Buffers from a pool)", () => {
  const pool = new Uint8Array(64);
  pool.set(encodeVector([2, 4]), 12);
  expect([...decodeVector(pool.subarray(12, 20))]).toEqual([2, 4]);
});

test("a truncated value is rejected", () => {
  expect(() => decodeVector(new Uint8Array(6))).toThrow("not a multiple of 4");
});
