/**
 * The storage and query engine of the fake Qdrant: points with named dense and sparse vectors and a
 * JSON payload, filters (must / should / must_not, nested filters, match value / any / except,
 * has_id), exact dense cosine, sparse dot product with the `idf` modifier, and the Query API's
 * prefetch + fusion. Exact (no HNSW), so it ranks the way an exhaustive Qdrant search would.
 *
 * Semantics kept from Qdrant (lib/segment, documented in its API reference):
 * - IDF is collection-wide: N and df count every point holding the sparse vector, whatever the
 *   query's filter; idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)).
 * - A sparse search returns only points sharing at least one index with the query.
 * - RRF scores a point Σ 1/(k + position), position 0-based, k = 2 unless `rrf.k` is given.
 * - A top-level filter also applies to every prefetch.
 * Requests reaching this module were already validated against the OpenAPI schema; anything the
 * fake does not implement throws `FakeQdrantError` (answered 400, naming what is missing).
 */
export type PointId = number | string;
export type SparseVector = { indices: number[]; values: number[] };
export type StoredPoint = {
  id: PointId;
  vectors: Record<string, number[] | SparseVector>;
  payload: Record<string, unknown>;
  version: number;
};
export type Condition = Record<string, unknown>;
export type Filter = {
  must?: Condition | Condition[] | null;
  should?: Condition | Condition[] | null;
  must_not?: Condition | Condition[] | null;
  min_should?: unknown;
};
export type Scored = { point: StoredPoint; score: number };
export type QuerySpec = {
  prefetch?: QuerySpec | QuerySpec[] | null;
  query?: unknown;
  using?: string | null;
  filter?: Filter | null;
  limit?: number | null;
  offset?: number | null;
  score_threshold?: number | null;
};
export type VectorSpace = {
  dense: Map<string, { size: number; distance: string }>;
  sparse: Map<string, { modifier: string }>;
};

export class FakeQdrantError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const list = <T>(value: T | T[] | null | undefined): T[] =>
  value == null ? [] : Array.isArray(value) ? value : [value];
const isSparse = (v: unknown): v is SparseVector =>
  typeof v === "object" && v !== null && !Array.isArray(v) && "indices" in v;

export const pointKey = (id: PointId): string => (typeof id === "number" ? `n:${id}` : `u:${id.toLowerCase()}`);

/** Ids order like Qdrant's: integers first (numerically), then UUIDs (by their hex digits). */
export const compareIds = (a: PointId, b: PointId): number => {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

const payloadValues = (payload: Record<string, unknown>, key: string): unknown[] => {
  let current: unknown = payload;
  for (const part of key.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return [];
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? [] : Array.isArray(current) ? current : [current];
};

const matchField = (point: StoredPoint, condition: Condition): boolean => {
  const key = String(condition.key);
  const values = payloadValues(point.payload, key);
  const supported = ["key", "match"];
  const extra = Object.keys(condition).find((k) => !supported.includes(k) && condition[k] != null);
  if (extra) throw new FakeQdrantError(400, `fake qdrant does not implement field condition "${extra}"`);
  const match = condition.match as Record<string, unknown> | null | undefined;
  if (!match) throw new FakeQdrantError(400, `fake qdrant needs a match on field condition "${key}"`);
  if ("value" in match) return values.some((v) => v === match.value);
  if ("any" in match) return values.some((v) => (match.any as unknown[]).includes(v));
  if ("except" in match) return values.length > 0 && values.every((v) => !(match.except as unknown[]).includes(v));
  throw new FakeQdrantError(400, `fake qdrant does not implement match ${Object.keys(match).join(",")}`);
};

const matchCondition = (point: StoredPoint, condition: Condition): boolean => {
  if ("key" in condition) return matchField(point, condition);
  if ("has_id" in condition) return (condition.has_id as PointId[]).some((id) => pointKey(id) === pointKey(point.id));
  const keys = Object.keys(condition);
  if (keys.every((k) => k === "must" || k === "should" || k === "must_not" || k === "min_should"))
    return matchFilter(point, condition as Filter);
  throw new FakeQdrantError(400, `fake qdrant does not implement condition ${keys.join(",")}`);
};

export const matchFilter = (point: StoredPoint, filter: Filter | null | undefined): boolean => {
  if (!filter) return true;
  if (filter.min_should != null) throw new FakeQdrantError(400, "fake qdrant does not implement min_should");
  const should = list(filter.should);
  return (
    list(filter.must).every((c) => matchCondition(point, c)) &&
    (should.length === 0 || should.some((c) => matchCondition(point, c))) &&
    !list(filter.must_not).some((c) => matchCondition(point, c))
  );
};

const norm = (v: readonly number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

const denseScores = (points: StoredPoint[], name: string, query: number[], space: VectorSpace): Scored[] => {
  const config = space.dense.get(name);
  if (!config) throw new FakeQdrantError(400, `Wrong input: Not existing vector name error: ${name}`);
  if (query.length !== config.size)
    throw new FakeQdrantError(
      400,
      `Wrong input: Vector dimension error: expected dim: ${config.size}, got ${query.length}`,
    );
  if (config.distance !== "Cosine")
    throw new FakeQdrantError(400, `fake qdrant implements only Cosine distance, not ${config.distance}`);
  const qn = norm(query) || 1;
  const out: Scored[] = [];
  for (const point of points) {
    const v = point.vectors[name];
    if (!Array.isArray(v)) continue;
    const dot = v.reduce((s, x, i) => s + x * query[i], 0);
    out.push({ point, score: dot / ((norm(v) || 1) * qn) });
  }
  return out;
};

const sparseScores = (
  all: StoredPoint[],
  points: StoredPoint[],
  name: string,
  query: SparseVector,
  space: VectorSpace,
): Scored[] => {
  const config = space.sparse.get(name);
  if (!config) throw new FakeQdrantError(400, `Wrong input: Not existing vector name error: ${name}`);
  const weights = new Map<number, number>();
  query.indices.forEach((index, i) => weights.set(index, (weights.get(index) ?? 0) + query.values[i]));
  if (config.modifier === "idf") {
    const holders = all.filter((p) => isSparse(p.vectors[name]));
    for (const [index, weight] of weights) {
      const df = holders.filter((p) => (p.vectors[name] as SparseVector).indices.includes(index)).length;
      weights.set(index, weight * Math.log(1 + (holders.length - df + 0.5) / (df + 0.5)));
    }
  }
  const out: Scored[] = [];
  for (const point of points) {
    const v = point.vectors[name];
    if (!isSparse(v)) continue;
    let score = 0;
    let overlaps = false;
    v.indices.forEach((index, i) => {
      const w = weights.get(index);
      if (w === undefined) return;
      overlaps = true;
      score += w * v.values[i];
    });
    if (overlaps) out.push({ point, score });
  }
  return out;
};

const byScore = (a: Scored, b: Scored) => b.score - a.score || compareIds(a.point.id, b.point.id);

const rrf = (lists: Scored[][], k: number): Scored[] => {
  const fused = new Map<string, Scored>();
  for (const ranked of lists) {
    ranked.forEach(({ point }, position) => {
      const key = pointKey(point.id);
      const entry = fused.get(key) ?? { point, score: 0 };
      entry.score += 1 / (k + position);
      fused.set(key, entry);
    });
  }
  return [...fused.values()].sort(byScore);
};

const andFilters = (a: Filter | null | undefined, b: Filter | null | undefined): Filter | undefined =>
  a && b ? { must: [a as Condition, b as Condition] } : (a ?? b ?? undefined);

/** Runs one Query API request (recursively through its prefetches) over `all` points. */
export const runQuery = (all: StoredPoint[], spec: QuerySpec, space: VectorSpace, inherited?: Filter): Scored[] => {
  const filter = andFilters(inherited, spec.filter);
  const limit = spec.limit ?? 10;
  const prefetches = list(spec.prefetch);
  const query = spec.query;
  let scored: Scored[];
  if (prefetches.length > 0) {
    const lists = prefetches.map((p) => runQuery(all, p, space, filter));
    const q = (query ?? {}) as Record<string, unknown>;
    if (q.fusion === "rrf") scored = rrf(lists, 2);
    else if (typeof q.rrf === "object" && q.rrf !== null)
      scored = rrf(lists, Number((q.rrf as { k?: number | null }).k ?? 2));
    else throw new FakeQdrantError(400, "fake qdrant implements only rrf fusion over prefetches");
  } else {
    const candidates = all.filter((p) => matchFilter(p, filter));
    const vector =
      typeof query === "object" && query !== null && "nearest" in query
        ? (query as { nearest: unknown }).nearest
        : query;
    const name = spec.using ?? "";
    if (isSparse(vector)) scored = sparseScores(all, candidates, name, vector, space);
    else if (Array.isArray(vector) && vector.every((x) => typeof x === "number"))
      scored = denseScores(candidates, name, vector as number[], space);
    else throw new FakeQdrantError(400, "fake qdrant implements only nearest dense/sparse queries and rrf fusion");
    scored.sort(byScore);
  }
  const threshold = spec.score_threshold;
  const kept = threshold == null ? scored : scored.filter((s) => s.score >= threshold);
  const offset = spec.offset ?? 0;
  return kept.slice(offset, offset + limit);
};

/** Checks one point's vectors against the collection's vector space (Qdrant's error texts). */
export const checkVectors = (vectors: Record<string, number[] | SparseVector>, space: VectorSpace): void => {
  for (const [name, vector] of Object.entries(vectors)) {
    if (isSparse(vector)) {
      if (!space.sparse.has(name))
        throw new FakeQdrantError(400, `Wrong input: Not existing vector name error: ${name}`);
      if (vector.indices.length !== vector.values.length)
        throw new FakeQdrantError(422, "Validation error in JSON body: [values: must be the same length as indices]");
      if (new Set(vector.indices).size !== vector.indices.length)
        throw new FakeQdrantError(422, "Validation error in JSON body: [indices: must be unique]");
      continue;
    }
    const config = space.dense.get(name);
    if (!config) throw new FakeQdrantError(400, `Wrong input: Not existing vector name error: ${name}`);
    if (vector.length !== config.size)
      throw new FakeQdrantError(
        400,
        `Wrong input: Vector dimension error: expected dim: ${config.size}, got ${vector.length}`,
      );
  }
};
