/**
 * Bounded top-k selection over (slot, score) pairs with a binary min-heap in typed arrays: O(n log k)
 * and no per-candidate objects, which matters when a query touches 100k+ documents.
 *
 * Ties: among equal scores the smaller slot wins, so results are deterministic for a given index.
 */
export class TopK {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.slots = new Int32Array(Math.max(1, k));
    this.scores = new Float64Array(Math.max(1, k));
  }

  /** Offers a candidate; kept only if it beats the current k-th best. */
  push(slot: number, score: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      this.slots[this.size] = slot;
      this.scores[this.size] = score;
      this.siftUp(this.size++);
      return;
    }
    if (!this.beats(slot, score, 0)) return;
    this.slots[0] = slot;
    this.scores[0] = score;
    this.siftDown(0);
  }

  /** The kept candidates, best first. */
  sorted(): { slot: number; score: number }[] {
    const out: { slot: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ slot: this.slots[i], score: this.scores[i] });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }

  // True when (slot, score) ranks above the heap entry at index i.
  private beats(slot: number, score: number, i: number): boolean {
    const other = this.scores[i];
    return score > other || (score === other && slot < this.slots[i]);
  }

  private swap(i: number, j: number): void {
    const s = this.slots[i];
    this.slots[i] = this.slots[j];
    this.slots[j] = s;
    const v = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = v;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.beats(this.slots[parent], this.scores[parent], i)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < this.size && this.beats(this.slots[worst], this.scores[worst], l)) worst = l;
      if (r < this.size && this.beats(this.slots[worst], this.scores[worst], r)) worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }
}
