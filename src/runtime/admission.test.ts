import { describe, expect, test } from "bun:test";
import { AdmissionGate } from "./admission";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("admission gate", () => {
  test("runs up to max jobs at once while requests are fast, the rest in arrival order", async () => {
    const gate = new AdmissionGate({ max: 2, tickMs: 1_000_000 });
    const order: number[] = [];
    const holds = [deferred(), deferred(), deferred()];
    const runs = holds.map((h, i) =>
      gate.run(async () => {
        order.push(i);
        await h.promise;
      }),
    );
    await Bun.sleep(1);
    expect(order).toEqual([0, 1]);
    holds[0].resolve();
    await runs[0];
    await Bun.sleep(1);
    expect(order).toEqual([0, 1, 2]);
    holds[1].resolve();
    holds[2].resolve();
    await Promise.all(runs);
  });

  test("slow acks halve the limit down to one, fast ones grow it back to max", async () => {
    const gate = new AdmissionGate({ max: 64, targetMs: 50, tickMs: 1 });
    for (const expected of [32, 16, 8, 4, 2, 1, 1]) {
      await Bun.sleep(2);
      gate.observe(120);
      expect(gate.allowed).toBe(expected);
    }
    await Bun.sleep(2);
    gate.observe(5);
    expect(gate.allowed).toBe(5);
    for (let i = 0; i < 20; i++) {
      await Bun.sleep(2);
      gate.observe(5);
    }
    expect(gate.allowed).toBe(64);
  });

  test("a job waiting under pressure starts when the pressure is gone, even with no request or job ending", async () => {
    const gate = new AdmissionGate({ max: 4, targetMs: 50, tickMs: 5 });
    await Bun.sleep(6);
    gate.observe(500);
    await Bun.sleep(6);
    gate.observe(500);
    expect(gate.allowed).toBe(1);
    const long = deferred();
    const first = gate.run(() => long.promise);
    let started = false;
    const second = gate.run(async () => {
      started = true;
    });
    await Bun.sleep(1);
    expect(started).toBe(false);
    // No observation, the first job still running: the gate's own timer grows the limit.
    await second;
    expect(started).toBe(true);
    long.resolve();
    await first;
  });

  test("a job aborted while it waits rejects and takes no slot", async () => {
    const gate = new AdmissionGate({ max: 1, tickMs: 1_000_000 });
    const hold = deferred();
    const first = gate.run(() => hold.promise);
    const abort = new AbortController();
    let ran = false;
    const waiting = gate.run(async () => {
      ran = true;
    }, abort.signal);
    abort.abort(new Error("lease lost"));
    await expect(waiting).rejects.toThrow("lease lost");
    hold.resolve();
    await first;
    await gate.run(async () => {});
    expect(ran).toBe(false);
  });
});
