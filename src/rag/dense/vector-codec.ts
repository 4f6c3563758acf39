import { XinError } from "../../runtime";

/**
 * Embeddings as bytes for a plain `bytea` column (no pgvector): float32, little-endian, no header.
 * 4 bytes a dimension, about a quarter of `real[]`'s text form on the wire, and decoding is a copy
 * rather than a parse. The dimension count is the byte length / 4; the model name lives in its own
 * column so a model change can be detected and re-embedded.
 */
export const encodeVector = (vector: ArrayLike<number>): Uint8Array => {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i], true);
  return bytes;
};

/** Inverse of encodeVector; rejects a length that is not a whole number of floats. */
export const decodeVector = (bytes: Uint8Array): Float32Array => {
  if (bytes.byteLength % 4 !== 0) {
    throw new XinError("rag.vector_invalid", `stored vector has ${bytes.byteLength} bytes, not a multiple of 4`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
};
