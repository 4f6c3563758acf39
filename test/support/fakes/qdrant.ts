/**
 * Fake Qdrant REST server on loopback (`Bun.serve`, 127.0.0.1, port 0) that accepts only requests
 * valid under Qdrant's published OpenAPI document (../shared/reference/qdrant/openapi-1.19.json):
 * the path and method must be an operation of the document, every query parameter one it declares
 * (with a value of its type), and the JSON body must validate against the operation's requestBody
 * schema (see openapi-validator.ts for the two places where the fake reads the schema strictly).
 * Invalid requests get 400 and Qdrant's error body `{ status: { error }, time }`; unknown paths and
 * collections 404. Every answer is itself validated against the operation's 200 schema, so the
 * fake cannot drift from the response shapes either.
 *
 * Implemented operations: root, collection_exists, get_collection, create_collection,
 * delete_collection, create_field_index, upsert_points (with update_filter / update_mode),
 * delete_points (ids or filter), scroll_points, count_points, query_points, query_batch_points.
 * Other valid operations answer 501. Requests are recorded (`requests`, from fake-server.ts) and
 * answers can be scripted per test (5xx, 429, hang) like the other fakes.
 */
import { json, startFakeServer, type FakeServer, type RecordedRequest } from "./fake-server";
import {
  checkVectors,
  compareIds,
  FakeQdrantError,
  matchFilter,
  pointKey,
  runQuery,
  type Filter,
  type PointId,
  type QuerySpec,
  type Scored,
  type SparseVector,
  type StoredPoint,
  type VectorSpace,
} from "./qdrant-engine";
import { loadQdrantApi } from "./qdrant-openapi";

type Collection = {
  space: VectorSpace;
  vectorsConfig: unknown;
  sparseConfig: unknown;
  indexes: Map<string, unknown>;
  points: Map<string, StoredPoint>;
};

export type QdrantFake = FakeServer & {
  /** Stored points of a collection (for assertions on what was written). */
  points(collection: string): StoredPoint[];
  /** Bodies of every query / query-batch search received, flattened (one entry per search). */
  searches(): Record<string, unknown>[];
  /** The spec's schema for a component, for tests that check bodies themselves. */
  validate(schemaName: string, value: unknown): string | null;
  /**
   * Holds the next matching request before it is executed, so a test can interleave other calls:
   * `arrived` resolves when it is being held, `release()` lets it run against the state at that time.
   */
  hold(matches: (r: RecordedRequest) => boolean): Gate;
};

export type Gate = { arrived: Promise<void>; release(): void };

// Qdrant reports the seconds it spent on the request.
const seconds = (since: number) => Math.max(0.000001, (performance.now() - since) / 1000);
const fail = (since: number, status: number, error: string) =>
  json(status, { status: { error }, time: seconds(since) });

export const startQdrantFake = async (): Promise<QdrantFake> => {
  const api = await loadQdrantApi();
  const collections = new Map<string, Collection>();
  let version = 0;

  const collection = (name: string): Collection => {
    const found = collections.get(name);
    if (!found) throw new FakeQdrantError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return found;
  };

  const selectPayload = (payload: Record<string, unknown>, selector: unknown): Record<string, unknown> | undefined => {
    if (selector === false || selector == null) return undefined;
    if (selector === true) return payload;
    const include = Array.isArray(selector) ? selector : (selector as { include?: string[] }).include;
    const exclude = (selector as { exclude?: string[] }).exclude;
    if (include) return Object.fromEntries(Object.entries(payload).filter(([k]) => include.includes(k)));
    return Object.fromEntries(Object.entries(payload).filter(([k]) => !exclude?.includes(k)));
  };

  const scoredOut = (hits: Scored[], withPayload: unknown) =>
    hits.map(({ point, score }) => {
      const payload = selectPayload(point.payload, withPayload ?? false);
      return { id: point.id, version: point.version, score, ...(payload ? { payload } : {}) };
    });

  const createCollection = (name: string, body: Record<string, unknown>) => {
    if (collections.has(name)) throw new FakeQdrantError(409, `Wrong input: Collection \`${name}\` already exists!`);
    const space: VectorSpace = { dense: new Map(), sparse: new Map() };
    const vectors = (body.vectors ?? {}) as Record<string, unknown>;
    const named = "size" in vectors ? { "": vectors } : vectors;
    for (const [vname, params] of Object.entries(named))
      space.dense.set(vname, params as { size: number; distance: string });
    const sparse = (body.sparse_vectors ?? {}) as Record<string, { modifier?: string | null }>;
    for (const [vname, params] of Object.entries(sparse))
      space.sparse.set(vname, { modifier: params.modifier ?? "none" });
    collections.set(name, {
      space,
      vectorsConfig: body.vectors ?? {},
      sparseConfig: body.sparse_vectors ?? {},
      indexes: new Map(),
      points: new Map(),
    });
    return true;
  };

  const collectionInfo = (c: Collection) => ({
    status: "green",
    optimizer_status: "ok",
    segments_count: 1,
    points_count: c.points.size,
    indexed_vectors_count: 0,
    config: {
      params: {
        vectors: c.vectorsConfig,
        shard_number: 1,
        replication_factor: 1,
        write_consistency_factor: 1,
        on_disk_payload: true,
        sparse_vectors: c.sparseConfig,
      },
      hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
      optimizer_config: {
        deleted_threshold: 0.2,
        vacuum_min_vector_number: 1000,
        default_segment_number: 0,
        flush_interval_sec: 5,
      },
      wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
    },
    payload_schema: Object.fromEntries(
      [...c.indexes].map(([field, schema]) => {
        const params = typeof schema === "string" ? undefined : (schema as Record<string, unknown>);
        const count = [...c.points.values()].filter((p) => p.payload[field] !== undefined).length;
        return [field, { data_type: params ? params.type : schema, ...(params ? { params } : {}), points: count }];
      }),
    ),
  });

  const upsert = (c: Collection, body: Record<string, unknown>) => {
    if (!Array.isArray(body.points))
      throw new FakeQdrantError(400, "fake qdrant implements only the points-list form of upsert");
    const mode = (body.update_mode as string | null | undefined) ?? "upsert";
    const updateFilter = body.update_filter as Filter | null | undefined;
    const incoming = body.points as { id: PointId; vector: unknown; payload?: Record<string, unknown> | null }[];
    const prepared = incoming.map((p) => {
      if (Array.isArray(p.vector) || typeof p.vector !== "object" || p.vector === null) {
        throw new FakeQdrantError(400, "fake qdrant implements only named vectors ({ name: vector })");
      }
      const vectors = p.vector as Record<string, number[] | SparseVector>;
      checkVectors(vectors, c.space);
      return { id: p.id, vectors, payload: p.payload ?? {} };
    });
    // Validate everything first: Qdrant rejects the whole request on one bad point.
    version++;
    for (const p of prepared) {
      const key = pointKey(p.id);
      const existing = c.points.get(key);
      if (existing && (mode === "insert_only" || (updateFilter && !matchFilter(existing, updateFilter)))) continue;
      if (!existing && mode === "update_only") continue;
      c.points.set(key, { ...p, version });
    }
    return { operation_id: version, status: "completed" };
  };

  const remove = (c: Collection, body: Record<string, unknown>) => {
    version++;
    if (Array.isArray(body.points)) for (const id of body.points as PointId[]) c.points.delete(pointKey(id));
    else for (const [key, p] of c.points) if (matchFilter(p, body.filter as Filter)) c.points.delete(key);
    return { operation_id: version, status: "completed" };
  };

  // Merges the given keys into each selected point's payload (by ids, or by filter), as Qdrant's POST .../points/payload.
  const setPayload = (c: Collection, body: Record<string, unknown>) => {
    if (body.key != null) throw new FakeQdrantError(400, "fake qdrant does not implement set_payload with key");
    const payload = body.payload as Record<string, unknown>;
    version++;
    const ids = Array.isArray(body.points) ? new Set((body.points as PointId[]).map(pointKey)) : null;
    for (const [key, p] of c.points) {
      if (ids ? ids.has(key) : matchFilter(p, body.filter as Filter))
        c.points.set(key, { ...p, payload: { ...p.payload, ...payload }, version });
    }
    return { operation_id: version, status: "completed" };
  };

  const scroll = (c: Collection, body: Record<string, unknown>) => {
    if (body.order_by != null) throw new FakeQdrantError(400, "fake qdrant does not implement order_by");
    const limit = (body.limit as number | null | undefined) ?? 10;
    const offset = body.offset as PointId | null | undefined;
    const sorted = [...c.points.values()]
      .filter((p) => matchFilter(p, body.filter as Filter))
      .sort((a, b) => compareIds(a.id, b.id));
    const from = offset == null ? sorted : sorted.filter((p) => compareIds(p.id, offset) >= 0);
    const page = from.slice(0, limit);
    const points = page.map((p) => {
      const payload = selectPayload(p.payload, body.with_payload ?? true);
      return { id: p.id, ...(payload ? { payload } : {}) };
    });
    return { points, next_page_offset: from[limit]?.id ?? null };
  };

  const query = (c: Collection, body: Record<string, unknown>) => {
    if (body.lookup_from != null || body.shard_key != null)
      throw new FakeQdrantError(400, "fake qdrant does not implement lookup_from / shard_key");
    const hits = runQuery([...c.points.values()], body as QuerySpec, c.space);
    return { points: scoredOut(hits, body.with_payload) };
  };

  const handlers: Record<string, (name: string, body: Record<string, unknown>) => unknown> = {
    root: () => undefined,
    collection_exists: (name) => ({ exists: collections.has(name) }),
    get_collection: (name) => collectionInfo(collection(name)),
    create_collection: (name, body) => createCollection(name, body),
    delete_collection: (name) => collections.delete(name),
    create_field_index: (name, body) => {
      const c = collection(name);
      version++;
      c.indexes.set(String(body.field_name), body.field_schema ?? "keyword");
      return { operation_id: version, status: "completed" };
    },
    upsert_points: (name, body) => upsert(collection(name), body),
    delete_points: (name, body) => remove(collection(name), body),
    set_payload: (name, body) => setPayload(collection(name), body),
    scroll_points: (name, body) => scroll(collection(name), body),
    count_points: (name, body) => ({
      count: [...collection(name).points.values()].filter((p) => matchFilter(p, body.filter as Filter)).length,
    }),
    query_points: (name, body) => query(collection(name), body),
    query_batch_points: (name, body) =>
      (body.searches as Record<string, unknown>[]).map((s) => query(collection(name), s)),
  };

  const gates: { matches: (r: RecordedRequest) => boolean; arrive: () => void; released: Promise<void> }[] = [];
  const hold = (matches: (r: RecordedRequest) => boolean): Gate => {
    let arrive = () => {};
    let release = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    gates.push({ matches, arrive, released });
    return { arrived, release };
  };

  const server = startFakeServer(async (r) => {
    const since = performance.now();
    const gate = gates.findIndex((g) => g.matches(r));
    if (gate !== -1) {
      const [held] = gates.splice(gate, 1);
      held.arrive();
      await held.released;
    }
    const found = api.match(r.method, r.path);
    if ("status" in found) return fail(since, found.status, found.error);
    const { body, problem } = api.checkRequest(found.route, r);
    if (problem) return fail(since, 400, problem);
    const operation = found.route.op.operationId;
    const handler = handlers[operation];
    if (!handler) return fail(since, 501, `fake qdrant does not implement ${operation}`);
    let envelope: unknown;
    try {
      const result = handler(found.params.collection_name ?? "", body);
      envelope =
        operation === "root"
          ? { title: "qdrant - vector search engine", version: "1.19.0" }
          : { status: "ok", time: seconds(since), result };
    } catch (e) {
      if (e instanceof FakeQdrantError) return fail(since, e.status, e.message);
      throw e;
    }
    const invalid = api.checkAnswer(found.route, envelope);
    return invalid
      ? fail(since, 500, `fake qdrant produced a response outside the spec: ${invalid}`)
      : json(200, envelope);
  });

  const isSearch = (r: RecordedRequest) => /\/points\/query(\/batch)?$/.test(r.path);
  return Object.assign(server, {
    points: (name: string) => [...(collections.get(name)?.points.values() ?? [])],
    searches: () =>
      server.requests.filter(isSearch).flatMap((r) => {
        const body = (r.body ?? {}) as Record<string, unknown>;
        return r.path.endsWith("/batch") ? ((body.searches ?? []) as Record<string, unknown>[]) : [body];
      }),
    validate: api.validateComponent,
    hold,
  });
};
