/**
 * Capacity helpers for typed arrays that grow by doubling: amortised O(1) appends while keeping
 * data contiguous (no per-item objects for the garbage collector to trace).
 */
type TypedArray = Int32Array | Uint16Array | Uint8Array | Float64Array | Float32Array;
type TypedArrayOf<T extends TypedArray> = T extends Int32Array
  ? Int32Array
  : T extends Uint16Array
    ? Uint16Array
    : T extends Uint8Array
      ? Uint8Array
      : T extends Float64Array
        ? Float64Array
        : Float32Array;

/** Returns `array` if it holds `needed` items, else a copy with at least double the capacity. */
export const ensureCapacity = <T extends TypedArray>(array: T, needed: number): TypedArrayOf<T> => {
  if (needed <= array.length) return array as TypedArrayOf<T>;
  const Ctor = array.constructor as new (n: number) => T;
  const next = new Ctor(Math.max(needed, array.length * 2, 8));
  next.set(array);
  return next as TypedArrayOf<T>;
};

/** A copy trimmed to `length` items (after compaction, to give memory back). */
export const trimTo = <T extends TypedArray>(array: T, length: number): TypedArrayOf<T> =>
  array.slice(0, length) as TypedArrayOf<T>;
