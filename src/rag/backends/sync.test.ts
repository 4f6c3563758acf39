import { describe, expect, test } from "bun:test";
import { chunkDocument, type Chunk } from "../ingest/chunker";
import { analyzerFor } from "../lexical/analyzer";
import { BrandIndex } from "./brand-index";
import { SyncQueue, syncBrandIndex } from "./sync";
import type { SourceMeta } from "./types";

// A stand-in for the store: source → (hash, text).
const store = new Map<string, { hash: string; text: string }>();
const metas = (): SourceMeta[] =>
  [...store].map(([source, v]) => ({ source, hash: v.hash, format: "text", title: source }));
const chunksOf = (source: string): Chunk[] =>
  chunkDocument(
    { sections: [{ kind: "paragraph", text: store.get(source)?.text ?? "", headingPath: [] }] },
    { source },
  );
const loads: string[] = [];
const load = async (source: string) => {
  loads.push(source);
  return { chunks: chunksOf(source) };
};
const ids = (index: BrandIndex, q: string) => index.search(q, undefined, 10).hits.map((h) => h.chunk_id);

describe("syncBrandIndex", () => {
  test("builds, then applies only what changed, and removes what is gone", async () => {
    store.clear();
    loads.length = 0;
    store.set("a.txt", { hash: "1", text: "alpha kettles" });
    store.set("b.txt", { hash: "1", text: "beta teapots" });
    const index = new BrandIndex(analyzerFor("en"));
    expect(await syncBrandIndex(index, metas(), load)).toEqual({ added: 2, changed: 0, removed: 0, unchanged: 0 });
    store.set("a.txt", { hash: "2", text: "gamma mugs" });
    store.delete("b.txt");
    store.set("c.txt", { hash: "1", text: "delta cups" });
    loads.length = 0;
    expect(await syncBrandIndex(index, metas(), load)).toEqual({ added: 1, changed: 1, removed: 1, unchanged: 0 });
    expect(loads.sort()).toEqual(["a.txt", "c.txt"]);
    expect(ids(index, "alpha beta")).toEqual([]);
    expect(ids(index, "gamma delta").sort()).toEqual(["a.txt#0", "c.txt#0"]);
    loads.length = 0;
    expect(await syncBrandIndex(index, metas(), load)).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 2 });
    expect(loads).toEqual([]);
  });
});

describe("SyncQueue", () => {
  test("tasks of one key run one at a time in call order; other keys are not blocked", async () => {
    const queue = new SyncQueue();
    const events: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run("brand", async () => {
      events.push("first start");
      await gate;
      events.push("first end");
    });
    const second = queue.run("brand", async () => {
      events.push("second");
    });
    await queue.run("other", async () => {
      events.push("other");
    });
    expect(events).toEqual(["first start", "other"]);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(["first start", "other", "first end", "second"]);
  });

  test("a failure is reported to its caller and does not block the queue", async () => {
    const queue = new SyncQueue();
    const failed = queue.run("k", async () => {
      throw new Error("store down");
    });
    await expect(failed).rejects.toThrow("store down");
    expect(await queue.run("k", async () => 42)).toBe(42);
  });
});
