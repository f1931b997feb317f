interface Entry<V> {
  at: number;
  value?: V;
  pending?: Promise<V>;
}

/**
 * A small cache of answers that expire after `ttlMs`, with single-flight loading: while one
 * load for a key runs, every other caller for that key waits on it, so a burst of requests (a
 * page load fans out to ten endpoints) costs the API server one review, not ten. Failures are
 * not cached.
 */
export class SingleFlightCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry?.pending) return entry.pending;
    if (entry && 'value' in entry && this.now() - entry.at < this.ttlMs)
      return Promise.resolve(entry.value as V);
    const pending = load().then(
      (value) => {
        this.entries.set(key, { at: this.now(), value });
        return value;
      },
      (err: unknown) => {
        this.entries.delete(key);
        throw err;
      },
    );
    this.evict();
    this.entries.set(key, { at: this.now(), pending });
    return pending;
  }

  /** The last answer for `key`, however old (undefined when none). */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private evict(): void {
    if (this.entries.size < this.maxEntries) return;
    const now = this.now();
    for (const [k, e] of this.entries) if (!e.pending && now - e.at >= this.ttlMs) this.entries.delete(k);
    // Still full of fresh entries: drop the oldest (Map keeps insertion order).
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
