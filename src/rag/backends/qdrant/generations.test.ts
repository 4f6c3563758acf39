import { describe, expect, test } from "bun:test";
import type { BrandScope } from "../types";
import { LiveGenerations, type LiveSet } from "./generations";
import type { SourceRecord } from "./points";

const scope: BrandScope = { tenant_id: "t", brand_id: "b" };
const record = (source: string, generation: string): SourceRecord => ({
  kind: "source",
  source,
  generation,
  retired: null,
  chunks: 1,
  meta: { source, hash: generation, format: "text", title: source },
});

// A scripted store: `token` and `records` are what Qdrant holds now; tests change them mid-search.
const store = () => {
  const state = { token: "t1" as string | null, records: [record("a.md", "g1")], recordReads: 0 };
  const live = new LiveGenerations({
    readToken: async () => state.token,
    readRecords: async () => (state.recordReads++, [...state.records]),
  });
  return { state, live };
};
const gens = (l: LiveSet) => Object.fromEntries(l.generations);

describe("LiveGenerations", () => {
  test("a steady brand reuses its cached live set: token, query, token", async () => {
    const { state, live } = store();
    expect(await live.read(scope, async (l) => gens(l))).toEqual({ "a.md": "g1" });
    expect(await live.read(scope, async (l) => gens(l))).toEqual({ "a.md": "g1" });
    expect(state.recordReads).toBe(1);
    live.invalidate(scope);
    await live.read(scope, async () => null);
    expect(state.recordReads).toBe(2);
  });

  test("a change elsewhere in the brand during the query keeps the answer", async () => {
    const { state, live } = store();
    let runs = 0;
    const answer = await live.read(scope, async () => {
      runs++;
      state.records = [record("a.md", "g1"), record("new.md", "g9")];
      state.token = "t2";
      return "first";
    });
    expect([answer, runs]).toEqual(["first", 1]);
  });

  test("a generation replaced during the query makes the search run again on the new set", async () => {
    const { state, live } = store();
    const seen: Record<string, string>[] = [];
    const answer = await live.read(scope, async (l) => {
      seen.push(gens(l));
      if (seen.length === 1) {
        state.records = [record("a.md", "g2")];
        state.token = "t2";
      }
      return seen.length;
    });
    expect(answer).toBe(2);
    expect(seen).toEqual([{ "a.md": "g1" }, { "a.md": "g2" }]);
  });

  test("a removed source counts as changed; endless churn gives up with a retryable error", async () => {
    const { state, live } = store();
    let n = 0;
    const churn = live.read(scope, async () => {
      n++;
      state.records = [record("a.md", `g${n + 1}`)];
      state.token = `t${n + 1}`;
    });
    await expect(churn).rejects.toMatchObject({ code: "rag.backend_busy", retryable: true });
    expect(n).toBe(4);
    const { state: s2, live: l2 } = store();
    const removed = await l2.read(scope, async (l) => {
      if (l.generations.size > 0) {
        s2.records = [];
        s2.token = "t-removed";
      }
      return l.generations.size;
    });
    expect(removed).toBe(0);
  });

  test("without a token (nothing published yet) the records are read every time", async () => {
    const { state, live } = store();
    state.token = null;
    await live.read(scope, async () => null);
    await live.read(scope, async () => null);
    expect(state.recordReads).toBe(2);
  });
});
