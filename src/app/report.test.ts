import { describe, expect, test } from "bun:test";
import { groupGaps, parsePeriod } from "./report";

const NOW = new Date("2026-12-04T12:00:00Z");

describe("parsePeriod", () => {
  test("spans back from now, dates and ISO times; 7 days up to now by default", () => {
    expect(parsePeriod(undefined, undefined, NOW)).toEqual({ since: new Date("2026-11-27T12:00:00Z"), until: NOW });
    expect(parsePeriod("24h", undefined, NOW).since).toEqual(new Date("2026-12-03T12:00:00Z"));
    expect(parsePeriod("2w", undefined, NOW).since).toEqual(new Date("2026-11-20T12:00:00Z"));
    expect(parsePeriod("2026-11-01", "2026-11-02T06:00:00Z", NOW)).toEqual({
      since: new Date("2026-11-01T00:00:00Z"),
      until: new Date("2026-11-02T06:00:00Z"),
    });
  });

  test("names the bad key and what it takes", () => {
    expect(() => parsePeriod("last week", undefined, NOW)).toThrow(
      /since "last week": give a span back from now \(7d, 24h, 4w\) or a date/,
    );
    expect(() => parsePeriod(undefined, "99999-01-01", NOW)).toThrow(/until "99999-01-01"/);
    expect(() => parsePeriod("2026-13-40", undefined, NOW)).toThrow(/since/);
    expect(() => parsePeriod("2026-12-05", undefined, NOW)).toThrow(/since must be before until/);
  });
});

describe("groupGaps", () => {
  const q = (text: string, minutesAgo: number, reason = "low_confidence") => ({
    escalation_id: `esc_${minutesAgo}`,
    reason,
    text,
    at: new Date(NOW.getTime() - minutesAgo * 60_000),
  });

  test("the same question in other words joins one group, counted, newest wording first", () => {
    const groups = groupGaps(
      [
        q("Do you sell gift cards?", 50),
        q("Can I buy a gift card in the shop?", 10, "unsupported_answer"),
        q("Are you open on Sunday?", 30),
        q("gift cards??", 5),
        q("Do you deliver to Norway?", 40),
      ],
      "en",
    );
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ["gift cards??", 3],
      ["Are you open on Sunday?", 1],
      ["Do you deliver to Norway?", 1],
    ]);
    expect(groups[0]).toMatchObject({
      reasons: { low_confidence: 2, unsupported_answer: 1 },
      examples: ["Can I buy a gift card in the shop?", "Do you sell gift cards?"],
      last_at: "2026-12-04T11:55:00.000Z",
    });
  });

  test("questions that share only a question word stay apart", () => {
    expect(groupGaps([q("How much is shipping?", 2), q("How much is the blue jacket?", 1)], "en")).toHaveLength(2);
  });
});
