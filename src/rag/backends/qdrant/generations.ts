import { scopeKey, type BrandScope } from "../types";
import { QdrantBackendError } from "./errors";
import type { SourceRecord } from "./points";

/**
 * Which generation of each source a search may read, and proof afterwards that the answer was
 * consistent. Qdrant has no multi-point transactions, so atomic replace rests on three facts:
 *
 * 1. Writers never touch live points. A replace writes the new chunks under a fresh generation id,
 *    then flips the source's record point (one point: atomic) to that generation, then rewrites
 *    the brand's token point with a fresh random value, and only then deletes the old generation.
 * 2. Searches read only live generations: the filter carries `generation ∈ live set`, taken from
 *    the source records. Points of an unfinished (or abandoned) write are in no record, so they are
 *    never read: no mix.
 * 3. The one hazard left is a reader holding a live set whose old generation gets deleted while
 *    it queries (it would see nothing of that source). Deletion comes after the token rewrite, so
 *    a reader re-reads the token after its query: unchanged means no deletion can have started
 *    before the query ended. Changed means it reloads the records; if every generation it used is
 *    still live the answer stands, otherwise it searches again on the new set (a seqlock).
 *
 * The live set is cached per brand under the token it was loaded with (the token is read before
 * the records), so a steady-state search costs one token read, the query and one token read.
 * Tokens are random and never reused, so a cache can never match a token written after its load.
 * A short TTL bounds staleness if a writer died between the flip and the token rewrite.
 *
 * Why a record point and not the alternatives: flipping a "live" flag on the chunk points is a
 * multi-point update, which Qdrant applies point by point (readers would see a mix); collection
 * aliases switch atomically but per collection, not per source; and filtering on "the newest
 * generation" cannot be expressed in one Qdrant filter. One point per source is the smallest
 * thing Qdrant updates atomically, and conditional upserts (`update_filter`) give it a CAS.
 */
export type LiveSet = { token: string | null; generations: ReadonlyMap<string, string>; loadedAt: number };

export type LiveSetReader = {
  readToken(scope: BrandScope): Promise<string | null>;
  readRecords(scope: BrandScope): Promise<SourceRecord[]>;
};

const MAX_ATTEMPTS = 4;
const CACHE_TTL_MS = 30_000;

export class LiveGenerations {
  private readonly cache = new Map<string, LiveSet>();

  constructor(
    private readonly reader: LiveSetReader,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets the cached set of a brand (after this process wrote to it). */
  invalidate(scope: BrandScope): void {
    this.cache.delete(scopeKey(scope));
  }

  /**
   * Runs `search` against a consistent live set and returns its answer. `search` must filter by
   * exactly the generations it is given. Throws a retryable `rag.backend_busy` when the brand's
   * sources kept being replaced under four consecutive attempts.
   */
  async read<T>(scope: BrandScope, search: (live: LiveSet) => Promise<T>): Promise<T> {
    let live = await this.snapshot(scope);
    for (let attempt = 1; ; attempt++) {
      const answer = await search(live);
      const token = await this.reader.readToken(scope);
      if (token === live.token) return answer;
      const next = await this.load(scope, token);
      if (stillLive(live, next)) return answer;
      if (attempt >= MAX_ATTEMPTS) {
        throw new QdrantBackendError("rag.backend_busy", "the brand's sources kept changing during the search", {
          status: 503,
          retryable: true,
          retryAfterMs: 100,
        });
      }
      live = next;
    }
  }

  private async snapshot(scope: BrandScope): Promise<LiveSet> {
    const token = await this.reader.readToken(scope);
    const cached = this.cache.get(scopeKey(scope));
    if (cached && cached.token === token && token !== null && this.now() - cached.loadedAt < CACHE_TTL_MS)
      return cached;
    return this.load(scope, token);
  }

  // `token` must have been read before this call: the records then reflect at least that token.
  private async load(scope: BrandScope, token: string | null): Promise<LiveSet> {
    const records = await this.reader.readRecords(scope);
    const live: LiveSet = {
      token,
      generations: new Map(records.map((r) => [r.source, r.generation])),
      loadedAt: this.now(),
    };
    this.cache.set(scopeKey(scope), live);
    return live;
  }
}

/** True when every generation `used` read is still the live one in `current`. */
const stillLive = (used: LiveSet, current: LiveSet): boolean => {
  for (const [source, generation] of used.generations) if (current.generations.get(source) !== generation) return false;
  return true;
};
