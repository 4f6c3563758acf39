/** Statements kept prepared per connection, at most. */
const MAX_PREPARED = 256;
/** A statement is prepared once its text was sent this often (one-off texts never are). */
const PREPARE_AFTER = 3;
/** Texts with more parameters are usually multi-row batches whose text varies with the row count. */
const MAX_PARAMS = 64;
const MAX_TRACKED = 4096;

/**
 * Which statement texts are worth preparing. drizzle sends every query unnamed, so PostgreSQL parses
 * and plans it again on each call — a third of the server's time at a few hundred replies/s. Texts
 * seen repeatedly are prepared (postgres.js keeps them per connection), with a bound on how many, so
 * the texts of variable-length batches cannot grow the per-connection statement caches without end.
 * Applied to drizzle's queries by `driverFor` (driver.ts).
 */
export class StatementPolicy {
  private readonly prepared = new Set<string>();
  private readonly seen = new Map<string, number>();

  shouldPrepare(text: string, params: number): boolean {
    if (this.prepared.has(text)) return true;
    if (params > MAX_PARAMS || this.prepared.size >= MAX_PREPARED) return false;
    const n = (this.seen.get(text) ?? 0) + 1;
    if (n >= PREPARE_AFTER) {
      this.seen.delete(text);
      this.prepared.add(text);
      return true;
    }
    if (this.seen.size >= MAX_TRACKED) this.seen.clear();
    this.seen.set(text, n);
    return false;
  }
}
