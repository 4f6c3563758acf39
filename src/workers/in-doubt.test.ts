import { describe, expect, test } from "bun:test";
import { getChannel } from "../channels";
import { inDoubtStep, outcomeUnknown } from "./in-doubt";

const WAIT = { kind: "await_status", waitMs: 60_000, otherwise: "resend" } as const;

describe("in-doubt policy", () => {
  test("await_status waits from the later of the attempt and the start of listening, then applies `otherwise`", () => {
    expect(inDoubtStep(WAIT, { attemptedAt: 1_000, listeningSince: 0, now: 31_000 })).toEqual({
      kind: "wait",
      ms: 30_000,
    });
    // xin was down from the attempt until 500 000: the provider's retried status can only come after that.
    expect(inDoubtStep(WAIT, { attemptedAt: 1_000, listeningSince: 500_000, now: 510_000 })).toEqual({
      kind: "wait",
      ms: 50_000,
    });
    expect(inDoubtStep(WAIT, { attemptedAt: 1_000, listeningSince: 0, now: 61_000 })).toEqual({ kind: "resend" });
    expect(inDoubtStep({ ...WAIT, otherwise: "hold" }, { attemptedAt: 1_000, listeningSince: 0, now: 61_000 })).toEqual(
      { kind: "hold" },
    );
    expect(inDoubtStep(WAIT, { attemptedAt: 1_000, listeningSince: 0, now: 2_000 }, 500)).toEqual({ kind: "resend" });
  });

  test("resend and hold apply at once", () => {
    const at = { attemptedAt: 0, listeningSince: 0, now: 0 };
    expect(inDoubtStep({ kind: "resend" }, at)).toEqual({ kind: "resend" });
    expect(inDoubtStep({ kind: "hold" }, at)).toEqual({ kind: "hold" });
  });

  test("each channel declares its policy: WhatsApp correlates, Telegram and Instagram resend, the widget has no doubt", () => {
    expect(getChannel("whatsapp").capabilities.inDoubt.kind).toBe("await_status");
    expect(getChannel("telegram").capabilities.inDoubt.kind).toBe("resend");
    expect(getChannel("instagram").capabilities.inDoubt.kind).toBe("resend");
    expect(getChannel("web").capabilities.inDoubt.kind).toBe("no_doubt");
  });

  test("only a call that got no answer leaves its outcome unknown", () => {
    for (const reason of ["timeout", "network", "aborted"]) expect(outcomeUnknown(reason)).toBe(true);
    for (const reason of ["rate_limited", "unavailable", "outside_window", "payload", undefined])
      expect(outcomeUnknown(reason)).toBe(false);
  });
});
