/**
 * Capacity helpers for typed arrays that grow by doubling: amortised O(1) appends while keeping
 * data contiguous (no per-item objects for the garbage collector to trace).
 */
type TypedArray =
  | Int32Array<ArrayBuffer>
  | Uint16Array<ArrayBuffer>
  | Uint8Array<ArrayBuffer>
  | Float64Array<ArrayBuffer>
  | Float32Array<ArrayBuffer>;

/** Returns `array` if it holds `needed` items, else a copy with at least double the capacity. */
export const ensureCapacity = <T extends TypedArray>(array: T, needed: number): T => {
  if (needed <= array.length) return array;
  const Ctor = array.constructor as new (n: number) => T;
  const next = new Ctor(Math.max(needed, array.length * 2, 8));
  (next as { set(source: ArrayLike<number>): void }).set(array);
  return next;
};

/** A copy trimmed to `length` items (after compaction, to give memory back). */
export const trimTo = <T extends TypedArray>(array: T, length: number): T => array.slice(0, length) as T;
