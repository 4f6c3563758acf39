import { expect, test } from "bun:test";
import { calibration, renderCalibration } from "./calibration";
import type { ItemResult } from "./run";

const item = (
  confidence: number,
  verdict: ItemResult["verdict"],
  outcome: ItemResult["outcome"] = "answer",
): ItemResult => ({ kind: "answer", q: "q", verdict, miss: null, outcome, reason: null, confidence });

test("replies sent are grouped by confidence with how many were right; escalations are left out", () => {
  const buckets = calibration([
    item(0.5, "right"),
    item(0.55, "wrong"),
    item(0.95, "right"),
    item(1, "right"),
    item(0.99, "missed_escalation"),
    item(0.2, "over_escalated", "escalation"),
  ]);
  expect(buckets).toEqual([
    { from: 0.45, to: 0.6, sent: 2, right: 1 },
    { from: 0.9, to: 1, sent: 3, right: 2 },
  ]);
  expect(renderCalibration(buckets)).toBe(
    "replies sent by confidence: [0.45, 0.60) 1/2 right · [0.90, 1.00] 2/3 right",
  );
  expect(renderCalibration([])).toBe("replies sent by confidence: none");
});
