/**
 * Whether a failed write was refused because of the data itself, so the same data will fail the same
 * way every time (retrying it is pointless), as opposed to the store being unavailable, busy or in a
 * conflict that a retry resolves.
 *
 * Data-caused, by SQLSTATE class: 21 cardinality (one statement touching a row twice), 22 data exception
 * (a value out of range, a character the encoding cannot hold, a bad date), 23 integrity constraints
 * other than a unique violation (which a concurrent writer can cause and a retry then passes), 54 a
 * program limit (an index row too large). A JavaScript RangeError raised while building the statement
 * (an invalid Date, a value too deep to serialise) is data-caused too. Everything else — connection
 * loss (08), rollbacks (40), exhausted resources (53), shutdown (57), an unknown error (most likely a
 * bug, fixed by a deploy, after which the provider's retry succeeds) — is not.
 */
const DATA_CLASSES = new Set(["21", "22", "23", "54"]);
const RETRYABLE_CODES = new Set(["23505"]);

const sqlState = (e: unknown): string | null => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
};

/** The refusal's code (`pg.22P05`, `js.RangeError`) when `e`, or an error it wraps, is data-caused; else null. */
export const permanentRefusal = (e: unknown): string | null => {
  let current: unknown = e;
  for (let depth = 0; depth < 5 && current; depth++) {
    const state = sqlState(current);
    if (state) return DATA_CLASSES.has(state.slice(0, 2)) && !RETRYABLE_CODES.has(state) ? `pg.${state}` : null;
    if (current instanceof RangeError) return "js.RangeError";
    current = (current as { cause?: unknown }).cause;
  }
  return null;
};
