import { expect, test } from "bun:test";
import { Batcher } from "./batcher";

test("items that arrive while a batch is written go together in the next one, each with its own result", async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const b = new Batcher<number, number>(
    async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    },
    { maxBatch: 3 },
  );
  const first = b.submit(1); // written at once: an idle batcher adds no wait
  const rest = [2, 3, 4, 5].map((i) => b.submit(i));
  release();
  expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
  expect(batches).toEqual([[1], [2, 3, 4], [5]]);
});

test("a failed batch rejects its items unless onBatchError settles them one by one", async () => {
  const plain = new Batcher<number, number>(
    async () => {
      throw new Error("db down");
    },
    { maxBatch: 10 },
  );
  await expect(plain.submit(1)).rejects.toThrow("db down");
  const retried = new Batcher<number, number>(
    async (items) => {
      if (items.length > 1) throw new Error("one bad item");
      if (items[0] === 2) throw new Error("bad");
      return [items[0]];
    },
    { maxBatch: 10, onBatchError: async (items) => items.map((i) => (i === 2 ? new Error("bad") : i)) },
  );
  const gate = retried.submit(0);
  const results = await Promise.allSettled([1, 2, 3].map((i) => retried.submit(i)));
  await gate;
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
});
