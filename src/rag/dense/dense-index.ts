import { XinError } from "../../runtime";
import { TopK } from "../top-k";

export type DenseHit = { id: string; score: number };

/**
 * Exact cosine top-k over Float32 vectors, in process.
 *
 * Storage is one contiguous Float32Array of rows (slot-major), grown by doubling; vectors are
 * L2-normalised on insert so cosine is a dot product. Removing a row moves the last row into its
 * place, so the matrix stays dense and a search scans exactly `size` rows. Sizing: 100k × 1536
 * dims = 614 MB (4 bytes a float); a search is one pass over that, memory-bandwidth bound.
 *
 * Contract: synchronous, single-threaded. `add` with a known id replaces that vector. Vectors of
 * the wrong dimension or with zero/non-finite norm are rejected with `rag.vector_invalid`
 * (they would otherwise poison every score).
 */
export class DenseIndex {
  readonly dims: number;
  private data: Float32Array;
  private slotIds: string[] = [];
  private readonly idToSlot = new Map<string, number>();

  constructor(dims: number, initialCapacity = 16) {
    if (!Number.isInteger(dims) || dims <= 0) {
      throw new XinError("rag.vector_invalid", "vector dimension must be a positive integer", { data: { dims } });
    }
    this.dims = dims;
    this.data = new Float32Array(dims * Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.slotIds.length;
  }

  has(id: string): boolean {
    return this.idToSlot.has(id);
  }

  /** Stores `vector` (normalised copy) under `id`, replacing any previous vector for it. */
  add(id: string, vector: ArrayLike<number>): void {
    const norm = this.checkedNorm(vector);
    let slot = this.idToSlot.get(id);
    if (slot === undefined) {
      slot = this.slotIds.length;
      this.ensureRows(slot + 1);
      this.slotIds.push(id);
      this.idToSlot.set(id, slot);
    }
    const base = slot * this.dims;
    for (let i = 0; i < this.dims; i++) this.data[base + i] = vector[i] / norm;
  }

  /** Removes `id`; true if it was present. O(dims). */
  remove(id: string): boolean {
    const slot = this.idToSlot.get(id);
    if (slot === undefined) return false;
    const last = this.slotIds.length - 1;
    if (slot !== last) {
      this.data.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      const moved = this.slotIds[last];
      this.slotIds[slot] = moved;
      this.idToSlot.set(moved, slot);
    }
    this.slotIds.pop();
    this.idToSlot.delete(id);
    return true;
  }

  /** The `k` most cosine-similar vectors to `query`, best first (score in [-1, 1]). */
  search(query: ArrayLike<number>, k = 10): DenseHit[] {
    const norm = this.checkedNorm(query);
    const q = new Float32Array(this.dims);
    for (let i = 0; i < this.dims; i++) q[i] = query[i] / norm;
    const top = new TopK(k);
    const data = this.data;
    const dims = this.dims;
    const unrolled = dims - (dims % 4);
    for (let slot = 0, base = 0; slot < this.slotIds.length; slot++, base += dims) {
      // Four independent accumulators let the JIT overlap the multiply-adds.
      let a = 0,
        b = 0,
        c = 0,
        d = 0;
      let i = 0;
      for (; i < unrolled; i += 4) {
        a += q[i] * data[base + i];
        b += q[i + 1] * data[base + i + 1];
        c += q[i + 2] * data[base + i + 2];
        d += q[i + 3] * data[base + i + 3];
      }
      for (; i < dims; i++) a += q[i] * data[base + i];
      top.push(slot, a + b + c + d);
    }
    return top.sorted().map(({ slot, score }) => ({ id: this.slotIds[slot], score }));
  }

  /** Bytes held by the vector matrix (capacity). */
  bytes(): number {
    return this.data.byteLength;
  }

  private ensureRows(rows: number): void {
    if (rows * this.dims <= this.data.length) return;
    const next = new Float32Array(Math.max(rows, (this.data.length / this.dims) * 2) * this.dims);
    next.set(this.data);
    this.data = next;
  }

  private checkedNorm(vector: ArrayLike<number>): number {
    if (vector.length !== this.dims) {
      throw new XinError("rag.vector_invalid", `vector has ${vector.length} dimensions, index expects ${this.dims}`, {
        data: { got: vector.length, expected: this.dims },
      });
    }
    let sum = 0;
    for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
    const norm = Math.sqrt(sum);
    if (!Number.isFinite(norm) || norm === 0) {
      throw new XinError("rag.vector_invalid", "vector has zero or non-finite norm");
    }
    return norm;
  }
}
