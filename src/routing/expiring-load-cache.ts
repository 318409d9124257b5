/**
 * A per-key cache of asynchronously loaded values: concurrent gets of one key share a single
 * load, failed loads are not kept, and entries older than `maxAgeMs` are reloaded. Deleting a
 * key while its load runs makes the next get load again; the stale load never overwrites it.
 * Pure (time comes from `now`), so the AppRoutingCache's rules are unit-testable.
 */
export class ExpiringLoadCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; loadedAt: number }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * @param retain false: share the load with concurrent callers but forget it once settled
   *   (used while changes cannot be observed, so nothing stale is served later).
   */
  get(key: string, load: () => Promise<V>, retain = true): Promise<V> {
    const existing = this.entries.get(key);
    if (existing !== undefined && this.now() - existing.loadedAt < this.maxAgeMs)
      return existing.value;
    // loadedAt is taken before the load starts: the age errs towards reloading early.
    const entry = { value: load(), loadedAt: this.now() };
    this.entries.set(key, entry);
    const forget = (): void => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.value.then(() => {
      if (!retain) forget();
    }, forget);
    return entry.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
