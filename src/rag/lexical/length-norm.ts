/**
 * Document lengths stored in one byte each, with the same lossy encoding as Lucene's norms
 * (exact up to 40 tokens, then 4 significant bits). Two reasons:
 * - memory: 1 byte per document instead of 4;
 * - speed: with at most 256 distinct lengths the BM25 length factor is a 256-entry table rebuilt
 *   per query instead of a division per posting.
 * It also makes scores comparable with Lucene/Pyserini runs (SciFact: 0.6789 vs 0.6777 exact).
 */

// Lengths below this are stored as themselves.
const EXACT_BELOW = 24;

// Encodes a non-negative integer as 3 mantissa bits + an exponent (leading one implicit).
const encodeInt4 = (value: number): number => {
  const bits = 32 - Math.clz32(value);
  if (bits < 4) return value;
  const shift = bits - 4;
  return ((value >>> shift) & 0x07) | ((shift + 1) << 3);
};

const decodeInt4 = (code: number): number => {
  const mantissa = code & 0x07;
  const shift = (code >>> 3) - 1;
  return shift === -1 ? mantissa : (mantissa | 0x08) * 2 ** shift;
};

/** Length (token count) → byte code. Monotone; lengths over 2^31 saturate. */
export const encodeLength = (length: number): number => {
  const n = Math.min(Math.max(0, Math.floor(length)), 0x7fffffff);
  if (n < EXACT_BELOW) return n;
  return Math.min(255, EXACT_BELOW + encodeInt4(n - EXACT_BELOW));
};

/** Byte code → the (rounded down) length it stands for. */
export const decodeLength = (code: number): number =>
  code < EXACT_BELOW ? code : EXACT_BELOW + decodeInt4(code - EXACT_BELOW);

/** decodeLength for every possible code, computed once. */
export const DECODED_LENGTHS: Float64Array = (() => {
  const table = new Float64Array(256);
  for (let code = 0; code < 256; code++) table[code] = decodeLength(code);
  return table;
})();
