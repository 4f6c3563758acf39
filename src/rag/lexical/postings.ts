import { ensureCapacity } from "./growable";

/**
 * Per-term posting lists: for each term id, parallel arrays of document slots and term
 * frequencies, appended in slot order. One pair of typed arrays per term, nothing per posting:
 * 6 bytes a posting. Frequencies above 65,535 saturate (no real chunk repeats a word that often).
 */
const EMPTY_DOCS: Int32Array<ArrayBuffer> = new Int32Array(0);
const EMPTY_TFS: Uint16Array<ArrayBuffer> = new Uint16Array(0);

export class PostingLists {
  docs: Int32Array<ArrayBuffer>[] = [];
  tfs: Uint16Array<ArrayBuffer>[] = [];
  lengths = new Int32Array(64);

  /** Appends (slot, tf) to `term`'s list; slots must arrive in increasing order per term. */
  append(term: number, slot: number, tf: number): void {
    if (term >= this.lengths.length) this.lengths = ensureCapacity(this.lengths, term + 1);
    const n = this.lengths[term];
    let docs = this.docs[term];
    let tfs = this.tfs[term];
    if (docs === undefined || tfs === undefined) {
      docs = new Int32Array(4);
      tfs = new Uint16Array(4);
    } else if (n === docs.length) {
      docs = ensureCapacity(docs, n + 1);
      tfs = ensureCapacity(tfs, n + 1);
    }
    docs[n] = slot;
    tfs[n] = tf > 0xffff ? 0xffff : tf;
    this.docs[term] = docs;
    this.tfs[term] = tfs;
    this.lengths[term] = n + 1;
  }

  /**
   * Rewrites every list keeping only postings whose slot maps to a new slot (`remap[slot] >= 0`),
   * trimmed to size. Lists left empty are released and reported so their term ids can be reused.
   */
  compact(remap: Int32Array): number[] {
    const emptied: number[] = [];
    for (let term = 0; term < this.docs.length; term++) {
      const docs = this.docs[term];
      const tfs = this.tfs[term];
      if (docs === undefined || tfs === undefined || docs.length === 0) continue;
      const n = this.lengths[term];
      let kept = 0;
      for (let i = 0; i < n; i++) {
        const to = remap[docs[i]];
        if (to < 0) continue;
        docs[kept] = to;
        tfs[kept] = tfs[i];
        kept++;
      }
      this.lengths[term] = kept;
      if (kept === 0) {
        // Shared empty arrays rather than holes: keeps the outer arrays dense (fast element access).
        this.docs[term] = EMPTY_DOCS;
        this.tfs[term] = EMPTY_TFS;
        emptied.push(term);
      } else if (kept < docs.length) {
        this.docs[term] = docs.slice(0, kept);
        this.tfs[term] = tfs.slice(0, kept);
      }
    }
    return emptied;
  }

  /** Bytes held by posting arrays (capacity, not just used length). */
  bytes(): number {
    let total = this.lengths.byteLength;
    for (const d of this.docs) if (d !== undefined) total += d.byteLength;
    for (const t of this.tfs) if (t !== undefined) total += t.byteLength;
    return total;
  }
}
