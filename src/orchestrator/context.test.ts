import { expect, test } from "bun:test";
import { answersInLastMinute } from "./context";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const msg = (secondsAgo: number, answer: boolean, direction = answer ? "out" : "in") => ({
  direction,
  metadata: answer ? { answer: {} } : {},
  created_at: new Date(NOW - secondsAgo * 1000),
});

test("answers of the last minute are counted from the recent messages when they reach back a minute", () => {
  // Newest first, as read: two answers inside the minute, one outside, a holding message (no `answer`).
  const recent = [
    msg(5, false),
    msg(10, true),
    msg(30, false),
    msg(50, true),
    { ...msg(55, false, "out") },
    msg(70, true),
  ];
  expect(answersInLastMinute(recent, NOW)).toEqual({ n: 2, ageMs: 50_000 });
  expect(answersInLastMinute([], NOW)).toEqual({ n: 0, ageMs: null });
});

test("a flood whose read messages all fall inside the minute is not counted here (the store is asked)", () => {
  const flood = Array.from({ length: 60 }, (_, i) => msg(i / 2, i % 2 === 0));
  expect(answersInLastMinute(flood, NOW)).toBeNull();
});
