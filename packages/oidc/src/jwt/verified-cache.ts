import type { JoseKey, KeySet } from '../jose/types.js';
import type { VerifiedJwt } from './verify.js';

/** `cache` option of a JwtVerifier: remember tokens that verified, so a repeat skips the signature. */
export interface VerifiedTokenCacheOptions {
  /** How many distinct tokens to remember; the oldest is forgotten first. */
  readonly maxEntries: number;
}

interface Entry {
  /** The whole token: a hit must be these exact bytes, not just the same ending. */
  readonly token: string;
  readonly verified: VerifiedJwt;
  /** The key or key set the token was verified with: a hit needs the same one, resolving the same key. */
  readonly source: JoseKey | KeySet;
}

/**
 * Tokens that passed every check, by their exact compact serialization. What a hit may skip is what
 * cannot change for the same bytes under the same options: parsing, the signature, and the static
 * claim rules. What can change is checked again by the caller: the time claims (against the clock)
 * and the key (still in the set, e.g. not removed after a compromise). Failures are never remembered.
 *
 * A hit is the whole token, signature included, so it proves the presenter holds the exact bytes that
 * verified before. Entries are keyed by the token's last characters (its signature) and then compared
 * in full: each request brings the token as a new string, and a Map would first hash all of it
 * (hundreds of characters). Two tokens with the same ending share a slot; the newer replaces the older.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(options: VerifiedTokenCacheOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('cache must be an object');
    const { maxEntries } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0) {
      throw new TypeError('cache.maxEntries must be a positive integer');
    }
    this.#maxEntries = maxEntries;
  }

  /** The earlier verification of `token` against `source`, if it is still bound to the same key. */
  lookup(token: string, source: JoseKey | KeySet): VerifiedJwt | undefined {
    const slot = slotOf(token);
    const entry = this.#entries.get(slot);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.source === source && sameKeyStill(entry.verified, source)) return entry.verified;
    this.#entries.delete(slot);
    return undefined;
  }

  remember(token: string, source: JoseKey | KeySet, verified: VerifiedJwt): void {
    const entries = this.#entries;
    const slot = slotOf(token);
    entries.delete(slot);
    if (entries.size >= this.#maxEntries) {
      // Insertion order: the first key is the oldest. FIFO keeps a hit free of bookkeeping.
      entries.delete(entries.keys().next().value as string);
    }
    entries.set(slot, { token, verified, source });
  }

  forget(token: string): void {
    const slot = slotOf(token);
    if (this.#entries.get(slot)?.token === token) this.#entries.delete(slot);
  }
}

/** Characters at the end of a token (its signature) that pick its slot. */
const SLOT_KEY_LENGTH = 32;

function slotOf(token: string): string {
  return token.length > SLOT_KEY_LENGTH ? token.slice(-SLOT_KEY_LENGTH) : token;
}

/**
 * A key set must still answer the token's header with the very key that verified it, synchronously:
 * a key dropped from the set (rotation, compromise) or a set that needs a fetch means verify again.
 */
function sameKeyStill(verified: VerifiedJwt, source: JoseKey | KeySet): boolean {
  if (!('resolve' in source)) return true;
  try {
    const key = source.resolve(verified.header);
    // A pending fetch is the full verification's to await (it joins the same fetch); not ours.
    if (key instanceof Promise) key.catch(() => {});
    return key === verified.key;
  } catch {
    return false;
  }
}
