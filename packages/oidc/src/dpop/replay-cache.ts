/**
 * Where the `jti` of every accepted DPoP proof is remembered until the proof could no longer pass
 * the `iat` window (RFC 9449 §11.1). A service of several instances passes a shared store (the
 * provider passes its database's replay cache); `MemoryReplayCache` serves one process.
 */

export interface DpopReplayCache {
  /**
   * Remembers `key` until `expiresAt` (epoch seconds). True when this is the first use of a key
   * that is not live at `at`; false for a replay. Must be atomic: of concurrent calls with one key,
   * at most one gets true.
   */
  remember(key: string, expiresAt: number, at: number): boolean | Promise<boolean>;
}

export interface MemoryReplayCacheOptions {
  /** The most keys held at once (default 100,000). */
  readonly maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * An in-process replay cache with a bound. When every slot holds a live key, a new key is refused
 * (fails closed): dropping a live key early would let its proof be replayed. Entries are kept in
 * insertion order, and as every proof gets the same window, the oldest expire first.
 */
export class MemoryReplayCache implements DpopReplayCache {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;

  constructor(options: MemoryReplayCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('options.maxEntries must be a positive integer');
    }
    this.#maxEntries = maxEntries;
  }

  remember(key: string, expiresAt: number, at: number): boolean {
    const live = this.#entries.get(key);
    if (live !== undefined && live > at) return false;
    this.#entries.delete(key);
    this.#evictExpired(at);
    if (this.#entries.size >= this.#maxEntries) return false;
    this.#entries.set(key, expiresAt);
    return true;
  }

  get size(): number {
    return this.#entries.size;
  }

  #evictExpired(at: number): void {
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt > at) {
        // Insertion order is nearly expiry order; when the oldest is still live, one full pass
        // is only worth it when the cache is full.
        if (this.#entries.size < this.#maxEntries) return;
        continue;
      }
      this.#entries.delete(key);
    }
  }
}
