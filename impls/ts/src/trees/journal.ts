// A map with a pending layer: writes go to `pending` until commit() folds them into `base`, or
// rollback() drops them. This is how a rejected checkpoint leaves the state untouched at a cost
// proportional to what the checkpoint wrote, not to the size of the state.

export class Journal<K, V> {
  private readonly base = new Map<K, V>();
  private readonly pending = new Map<K, V>();

  get(key: K): V | undefined {
    const v = this.pending.get(key);
    return v !== undefined ? v : this.base.get(key);
  }

  has(key: K): boolean {
    return this.pending.has(key) || this.base.has(key);
  }

  set(key: K, value: V): void {
    this.pending.set(key, value);
  }

  commit(): void {
    for (const [k, v] of this.pending) this.base.set(k, v);
    this.pending.clear();
  }

  rollback(): void {
    this.pending.clear();
  }

  /** An independent copy of a journal with nothing pending (a committed state). */
  clone(): Journal<K, V> {
    if (this.pending.size > 0) throw new Error('internal: copying a journal with pending writes');
    const copy = new Journal<K, V>();
    for (const [k, v] of this.base) copy.base.set(k, v);
    return copy;
  }
}
