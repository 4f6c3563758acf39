/** Enough for every delivery a process has in hand many times over; past it the oldest are forgotten. */
const MAX_IDS = 10_000;

/**
 * Send attempts this process recorded and then never handed to the provider: a failure came between
 * the record and the call (typically the store going away, for the channel read or the commit). Such an
 * attempt is not in doubt — nothing left — so the job's next run in this process sends at once instead
 * of waiting out the channel's in-doubt policy (WhatsApp: a minute for a status that cannot come).
 * The store's copy is cleared too when it can be; this covers the runs where it could not. After a
 * restart the memory is gone and the in-doubt policy applies, as it must.
 */
export class UnsentAttempts {
  private readonly ids = new Set<string>();

  add(id: string): void {
    if (this.ids.size >= MAX_IDS) this.ids.delete(this.ids.values().next().value as string);
    this.ids.add(id);
  }

  /** Whether `id` is known unsent (and forgets it: the next attempt is a new one). */
  take(id: string): boolean {
    return this.ids.delete(id);
  }
}
