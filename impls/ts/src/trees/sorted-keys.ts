// Ordered set of field-element keys supporting "largest key <= k" in O(log n + CHUNK).
// Stored as a list of sorted chunks, so an insertion moves at most CHUNK elements whatever the
// number of keys: insertion cost stays flat as the indexed trees grow.

const CHUNK = 256;

export class SortedKeySet {
  private chunks: bigint[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Index of the last chunk whose first key is <= k, or -1. */
  private chunkAtOrBefore(k: bigint): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.chunks[mid][0] <= k) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Position of the last element <= k inside a sorted chunk, or -1. */
  private static lastAtOrBefore(chunk: bigint[], k: bigint): number {
    let lo = 0;
    let hi = chunk.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (chunk[mid] <= k) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Largest key <= k, or undefined. */
  floor(k: bigint): bigint | undefined {
    const ci = this.chunkAtOrBefore(k);
    if (ci < 0) return undefined;
    const chunk = this.chunks[ci];
    return chunk[SortedKeySet.lastAtOrBefore(chunk, k)];
  }

  insert(k: bigint): void {
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([k]);
      return;
    }
    const ci = Math.max(0, this.chunkAtOrBefore(k));
    const chunk = this.chunks[ci];
    chunk.splice(SortedKeySet.lastAtOrBefore(chunk, k) + 1, 0, k);
    if (chunk.length > CHUNK) {
      this.chunks.splice(ci + 1, 0, chunk.splice(CHUNK >> 1));
    }
  }

  clone(): SortedKeySet {
    const copy = new SortedKeySet();
    copy.chunks = this.chunks.map((c) => c.slice());
    copy.count = this.count;
    return copy;
  }

  *values(): IterableIterator<bigint> {
    for (const c of this.chunks) yield* c;
  }
}
