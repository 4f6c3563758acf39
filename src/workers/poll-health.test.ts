import { describe, expect, test } from "bun:test";
import { PollHealthBoard, pollRetryMs } from "./poll-health";

describe("polling health", () => {
  test("failed polls back off from 5 s, doubling, to at most 5 minutes", () => {
    expect([1, 2, 3, 4].map(pollRetryMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(pollRetryMs(7)).toBe(300_000);
    expect(pollRetryMs(1_000)).toBe(300_000);
  });

  test("failures count up with the last error and the time they began; one good poll resets them", () => {
    const board = new PollHealthBoard();
    board.ok("chn_1", "telegram");
    expect(board.list()).toMatchObject([{ channel_id: "chn_1", state: "polling", failures: 0, last_error: null }]);
    expect(board.failed("chn_1", "telegram", "401 Unauthorized")).toBe(5_000);
    const since = board.list()[0].since;
    expect(board.failed("chn_1", "telegram", "401 Unauthorized again")).toBe(10_000);
    expect(board.list()).toMatchObject([
      { state: "failing", failures: 2, last_error: "401 Unauthorized again", since, retry_in_ms: 10_000 },
    ]);
    board.ok("chn_1", "telegram");
    expect(board.list()).toMatchObject([{ state: "polling", failures: 0, retry_in_ms: null }]);
    expect(board.failed("chn_1", "telegram", "timeout")).toBe(5_000);
    board.forget("chn_1");
    expect(board.list()).toEqual([]);
  });
});
