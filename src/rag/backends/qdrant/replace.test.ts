import { describe, expect, test } from "bun:test";
import {
  A,
  chunksOf,
  meta,
  mustOf,
  storedTexts,
  unscopedFilters,
  useQdrantFake,
} from "../../../../test/support/fakes/qdrant-harness";
import { indexText } from "../../ingest/chunker";
import { analyzerFor } from "../../lexical/analyzer";
import { chunkPayload, chunkPointId } from "./points";
import { documentVector } from "./sparse";

// Atomic replace against the fake Qdrant: generations, the record flip, readers racing writers.
// generations.test.ts proves the read protocol itself with a scripted store.
const { fake, make, lastCollection } = useQdrantFake(3);

describe("QdrantBackend: generations", () => {
  test("a replace writes a new generation, flips the record conditionally, then deletes the old one", async () => {
    const b = make();
    await b.upsertSource({ scope: A, meta: meta("g.md", "v1"), chunks: chunksOf("g.md", "first version text") });
    const name = lastCollection();
    const oldGen = fake()
      .points(name)
      .find((p) => p.payload.kind === "chunk")?.payload.generation;
    fake().reset();
    await b.upsertSource({ scope: A, meta: meta("g.md", "v2"), chunks: chunksOf("g.md", "second version text") });
    const writes = fake()
      .requests.filter((r) => r.method === "PUT" || r.path.endsWith("/delete"))
      .map((r) => r.path.split("/").pop());
    // chunks, flip, token, delete the old generation, clear `retired` on the record
    expect(writes).toEqual(["points", "points", "points", "delete", "points"]);
    const flip = fake().requests.filter((r) => r.method === "PUT")[1]?.body as { update_filter?: unknown };
    expect(mustOf(flip.update_filter)).toContainEqual({ key: "generation", match: { value: oldGen } });
    expect(storedTexts(fake(), name)).toEqual(["second version text"]);
  });

  test("a reader never sees a mix or nothing while a source is replaced under it", async () => {
    const writer = make();
    const name = lastCollection();
    const reader = make({ collection: name });
    const texts = (v: number) => [`alpha version${v}`, `beta version${v}`, `gamma version${v}`];
    await writer.upsertSource({ scope: A, meta: meta("r.md", "v0"), chunks: chunksOf("r.md", ...texts(0)) });
    const seen = new Set<string>();
    let writing = true;
    const replaces = (async () => {
      for (let v = 1; v <= 6; v++)
        await writer.upsertSource({ scope: A, meta: meta("r.md", `v${v}`), chunks: chunksOf("r.md", ...texts(v)) });
      writing = false;
    })();
    while (writing) {
      const hits = (await reader.search({ scope: A, query: "alpha beta gamma", k: 10 })).hits;
      const versions = new Set(hits.map((h) => h.chunk.text.split(" ")[1]));
      expect(hits).toHaveLength(3);
      expect(versions.size).toBe(1);
      seen.add([...versions][0] ?? "");
    }
    await replaces;
    expect(seen.size).toBeGreaterThan(1);
  });

  test("a deletion racing a reader's query is detected and the search runs again on the new generation", async () => {
    const writer = make();
    const name = lastCollection();
    const reader = make({ collection: name });
    await writer.upsertSource({ scope: A, meta: meta("s.md", "v1"), chunks: chunksOf("s.md", "old stock levels") });
    expect((await reader.search({ scope: A, query: "stock" })).hits).toHaveLength(1);
    // The reader's query reaches Qdrant only after the writer flipped and deleted the old generation.
    const gate = fake().hold((r) => r.path === `/collections/${name}/points/query`);
    const pending = reader.search({ scope: A, query: "stock levels" });
    await gate.arrived;
    await writer.upsertSource({ scope: A, meta: meta("s.md", "v2"), chunks: chunksOf("s.md", "new stock levels") });
    gate.release();
    expect((await pending).hits.map((h) => h.chunk.text)).toEqual(["new stock levels"]);
  });

  test("of two concurrent replaces of one source exactly one wins; the loser cleans up and asks for a retry", async () => {
    const a = make();
    const name = lastCollection();
    const b = make({ collection: name });
    await a.upsertSource({ scope: A, meta: meta("c.md", "v1"), chunks: chunksOf("c.md", "version one") });
    // Hold a's conditional flip until b has replaced the source completely.
    const gate = fake().hold(
      (r) => r.method === "PUT" && r.path === `/collections/${name}/points` && r.body?.update_filter !== undefined,
    );
    const loser = a
      .upsertSource({ scope: A, meta: meta("c.md", "v2"), chunks: chunksOf("c.md", "version two") })
      .catch((e: unknown) => e);
    await gate.arrived;
    expect(
      await b.upsertSource({ scope: A, meta: meta("c.md", "v3"), chunks: chunksOf("c.md", "version three") }),
    ).toEqual({ status: "changed", chunks: 1 });
    gate.release();
    expect(await loser).toMatchObject({ code: "rag.replace_conflict", retryable: true });
    expect(storedTexts(fake(), name)).toEqual(["version three"]);
    expect((await a.listSources(A)).map((s) => s.hash)).toEqual(["v3"]);
    expect((await a.search({ scope: A, query: "version" })).hits.map((h) => h.chunk.text)).toEqual(["version three"]);
  });

  test("a replace interrupted after its flip is finished by the retry", async () => {
    const b = make();
    const name = lastCollection();
    await b.upsertSource({ scope: A, meta: meta("i.md", "v1"), chunks: chunksOf("i.md", "first edition") });
    const isToken = (r: { method: string; body?: Record<string, unknown> }) =>
      r.method === "PUT" && JSON.stringify(r.body?.points ?? "").includes('"kind":"brand"');
    fake().script({ status: 503, body: { status: { error: "Service unavailable" }, time: 0 } }, isToken);
    const failed = await b
      .upsertSource({ scope: A, meta: meta("i.md", "v2"), chunks: chunksOf("i.md", "second edition") })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "rag.backend_failed", retryable: true });
    const texts = () => storedTexts(fake(), name);
    expect(texts()).toEqual(["first edition", "second edition"]);
    // Readers already see only the new generation: the flip happened.
    expect(
      (await make({ collection: name }).search({ scope: A, query: "edition" })).hits.map((h) => h.chunk.text),
    ).toEqual(["second edition"]);
    expect(
      await b.upsertSource({ scope: A, meta: meta("i.md", "v2"), chunks: chunksOf("i.md", "second edition") }),
    ).toEqual({ status: "unchanged", chunks: 1 });
    expect(texts()).toEqual(["second edition"]);
    expect(
      fake()
        .points(name)
        .find((p) => p.payload.kind === "source")?.payload.retired,
    ).toBeNull();
  });

  test("points of an unfinished or abandoned write are never read", async () => {
    const b = make();
    const name = lastCollection();
    await b.upsertSource({ scope: A, meta: meta("u.md", "v1"), chunks: chunksOf("u.md", "live warranty terms") });
    // A writer that died after writing its chunks and before flipping the record.
    const [ghost] = chunksOf("u.md", "ghost warranty terms");
    const point = {
      id: chunkPointId(A, "u.md", "abandoned", 0),
      vector: { bm25: documentVector(analyzerFor("en").analyze(indexText(ghost))) },
      payload: chunkPayload(A, "abandoned", ghost),
    };
    const put = await fetch(`${fake().url}/collections/${name}/points?wait=true`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ points: [point] }),
    });
    expect(put.status).toBe(200);
    const hits = (await b.search({ scope: A, query: "warranty terms", k: 10 })).hits;
    expect(hits.map((h) => h.chunk.text)).toEqual(["live warranty terms"]);
  });

  test("every read and delete above carried the tenant and brand filter", () => {
    expect(fake().searches().length).toBeGreaterThan(10);
    expect(unscopedFilters(fake())).toEqual([]);
  });
});
