import { describe, expect, test } from "bun:test";
import { restartDelayMs } from "./server";

describe("restartDelayMs", () => {
  test("doubles from 200 ms for a server that keeps dying and never waits more than 30 s", () => {
    expect([1, 2, 3, 4].map(restartDelayMs)).toEqual([200, 400, 800, 1600]);
    expect(restartDelayMs(8)).toBe(25_600);
    expect(restartDelayMs(9)).toBe(30_000);
    expect(restartDelayMs(1_000)).toBe(30_000);
  });
});
