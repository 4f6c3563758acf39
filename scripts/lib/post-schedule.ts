// How the benchmarks' poster children send their requests: open loop at `rate` per second (each on its
// schedule, whether or not the earlier ones were answered: what overload looks like), or closed loop
// with `concurrency` connections, each sending its next as soon as the last was answered.
export const postOnSchedule = async (
  count: number,
  one: (i: number) => Promise<void>,
  spec: { rate?: number; concurrency?: number },
): Promise<void> => {
  if (spec.rate) {
    const started = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const wait = started + (i * 1000) / spec.rate - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      inflight.push(one(i));
    }
    await Promise.all(inflight);
    return;
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: spec.concurrency ?? 64 }, async () => {
      while (next < count) await one(next++);
    }),
  );
};
