import { ALGORITHMS, type JwsAlgorithm } from '../jose/algorithms.js';
import { isJoseError, JoseError } from '../jose/errors.js';
import type { JoseKey, JwsHeader, KeySet } from '../jose/types.js';
import { checkAlgorithmsOption } from '../lib/algorithms-option.js';
import { parseDuration } from '../lib/duration.js';
import { type FetchLimitOptions, fetchJson, fetchLimits, fetchOption } from '../lib/fetch-json.js';
import { secureUrlOption } from '../lib/secure-url.js';
import { LocalKeySet } from './local.js';

export interface RemoteKeySetOptions extends FetchLimitOptions {
  fetch?: typeof fetch;
  /** Least time between two automatic fetches (unknown kid, expiry, failure). Default 30 s (K1, K2). */
  cooldown?: number | string;
  /**
   * How long fetched keys are fresh: the response's `Cache-Control: max-age`, clamped to
   * [`min`, `max`] (default [60 s, 24 h]); `default` (10 min) without one.
   */
  cacheMaxAge?: { min?: number | string; max?: number | string; default?: number | string };
  /** How long past freshness the last good keys keep serving while the provider fails. Default 24 h (K3). */
  maxStaleness?: number | string;
  /** The clock, in epoch milliseconds like `Date.now`. */
  now?: () => number;
  /** Algorithms keys may be bound to; asymmetric only (never HMAC from a published set). Default: all asymmetric. */
  algorithms?: readonly JwsAlgorithm[];
}

/** Where the JWKS lives: a URL, or a function that finds it (createVerifier: discovery, K6). */
export type JwksUrlSource = string | URL | (() => Promise<string | URL>);

export const DEFAULT_COOLDOWN = 30;
export const DEFAULT_CACHE_MAX_AGE = { min: 60, max: 86_400, default: 600 } as const;
export const DEFAULT_MAX_STALENESS = 86_400;

const MAX_AGE = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i;
const NO_CACHE = /(?:^|,)\s*(?:no-cache|no-store)\s*(?:,|$)/i;

/**
 * A JWK Set fetched from a URL and cached (OIDC Core §10.1.1).
 *
 * - The first `resolve` fetches; afterwards cached keys resolve synchronously.
 * - An unknown `kid` causes one refetch if the cooldown allows, then ERR_JWKS_NO_MATCHING_KEY:
 *   unknown kids fail closed (K1).
 * - At most one fetch is in flight; concurrent callers share it. Automatic fetches (unknown kid,
 *   expiry, retry after failure) happen at most once per cooldown, whatever the traffic (K2).
 * - When the keys are past their max-age they keep serving while one background refresh runs.
 *   If the provider fails (status, timeout, bad JSON, oversize, redirect) the last good keys
 *   serve up to `maxStaleness` past freshness; after that, or with no keys yet, the fetch error
 *   surfaces (ERR_JWKS_FETCH_FAILED, ERR_JWKS_TIMEOUT, ERR_JWKS_INVALID) (K3).
 * - A document with no usable key is treated as invalid, so it never replaces good keys.
 * - Redirects are never followed (see lib/fetch-json.ts).
 */
export class RemoteKeySet implements KeySet {
  readonly #source: JwksUrlSource;
  #url: URL | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #cooldownMs: number;
  readonly #maxAge: { readonly min: number; readonly max: number; readonly default: number };
  readonly #maxStalenessMs: number;
  readonly #now: () => number;
  readonly #algorithms: readonly JwsAlgorithm[] | undefined;

  #keys: LocalKeySet | undefined;
  #freshUntil = Number.NEGATIVE_INFINITY;
  #staleUntil = Number.NEGATIVE_INFINITY;
  #lastFetchAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | undefined;
  #lastError: unknown;

  constructor(url: JwksUrlSource, options: RemoteKeySetOptions = {}) {
    if (typeof url === 'function') this.#source = url;
    else this.#source = this.#url = secureUrlOption(url, 'url');
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    this.#fetch = fetchOption(options.fetch);
    ({ timeoutMs: this.#timeoutMs, maxBytes: this.#maxBytes } = fetchLimits(options));
    this.#cooldownMs = parseDuration(options.cooldown ?? DEFAULT_COOLDOWN, 'cooldown') * 1000;
    this.#maxAge = cacheMaxAgeOption(options.cacheMaxAge);
    this.#maxStalenessMs =
      parseDuration(options.maxStaleness ?? DEFAULT_MAX_STALENESS, 'maxStaleness') * 1000;
    if (options.now !== undefined && typeof options.now !== 'function')
      throw new TypeError('now must be a function');
    this.#now = options.now ?? Date.now;
    if (options.algorithms !== undefined) {
      const algorithms = checkAlgorithmsOption(options.algorithms);
      if (algorithms.some((alg) => !ALGORITHMS[alg].asymmetric)) {
        throw new TypeError(
          'algorithms of a remote key set must be asymmetric (a published JWKS holds no secrets)',
        );
      }
      this.#algorithms = algorithms;
    }
  }

  /** The keys of the last good fetch (empty before the first). */
  get keys(): readonly JoseKey[] {
    return this.#keys?.keys ?? [];
  }

  resolve(header: JwsHeader): JoseKey | Promise<JoseKey> {
    const now = this.#now();
    const keys = this.#keys;
    if (keys === undefined || now >= this.#staleUntil) return this.#fetchThenResolve(header, now);
    if (now >= this.#freshUntil) this.#refreshInBackground(now);
    try {
      return keys.resolve(header);
    } catch (error) {
      if (!isJoseError(error, 'ERR_JWKS_NO_MATCHING_KEY')) throw error;
    }
    return this.#refetchForUnknownKey(header, now);
  }

  /** Fetches now, whatever the cooldown (joins a fetch in flight). Rejects if it fails; good keys stay. */
  reload(): Promise<void> {
    return this.#inflight ?? this.#startFetch(this.#now());
  }

  // K1: one refetch per cooldown for a key we do not know (a rotation), then fail closed.
  #refetchForUnknownKey(header: JwsHeader, now: number): JoseKey | Promise<JoseKey> {
    const pending =
      this.#inflight ?? (now - this.#lastFetchAt >= this.#cooldownMs ? this.#startFetch(now) : undefined);
    if (pending === undefined) throw new JoseError('ERR_JWKS_NO_MATCHING_KEY');
    const lookup = () => this.#keys!.resolve(header);
    return pending.then(lookup, lookup);
  }

  // No keys yet, or too stale to use: the caller must wait for a fetch.
  #fetchThenResolve(header: JwsHeader, now: number): Promise<JoseKey> {
    let pending = this.#inflight;
    if (pending === undefined) {
      // K2: a failing provider is asked again only after the cooldown; meanwhile its error stands.
      if (this.#lastError !== undefined && now - this.#lastFetchAt < this.#cooldownMs) {
        return Promise.reject(this.#lastError);
      }
      pending = this.#startFetch(now);
    }
    return pending.then(() => this.#keys!.resolve(header));
  }

  #refreshInBackground(now: number): void {
    if (this.#inflight !== undefined || now - this.#lastFetchAt < this.#cooldownMs) return;
    // Failure is recorded in #lastError; the stale keys keep serving.
    this.#startFetch(now).catch(() => {});
  }

  #startFetch(now: number): Promise<void> {
    this.#lastFetchAt = now;
    const fetching = this.#load().finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = fetching;
    return fetching;
  }

  async #load(): Promise<void> {
    try {
      const url = this.#url ?? (await this.#discoverUrl());
      const { body, cacheControl } = await fetchJson(url, {
        fetch: this.#fetch,
        timeoutMs: this.#timeoutMs,
        maxBytes: this.#maxBytes,
        invalidCode: 'ERR_JWKS_INVALID',
        what: 'the JWKS',
      });
      const keys = LocalKeySet.fromJwks(
        body,
        this.#algorithms === undefined ? {} : { algorithms: this.#algorithms },
      );
      if (keys.keys.length === 0)
        throw new JoseError('ERR_JWKS_INVALID', 'the JWKS has no usable signing key');
      const fetchedAt = this.#now();
      this.#keys = keys;
      this.#freshUntil = fetchedAt + this.#cacheLifetime(cacheControl) * 1000;
      this.#staleUntil = this.#freshUntil + this.#maxStalenessMs;
      this.#lastError = undefined;
    } catch (error) {
      this.#lastError = error;
      throw error;
    }
  }

  async #discoverUrl(): Promise<URL> {
    const found = await (this.#source as () => Promise<string | URL>)();
    const url = secureUrlOption(found, 'the JWKS URL');
    this.#url = url;
    return url;
  }

  /** Seconds the keys stay fresh: Cache-Control max-age clamped to the configured bounds. */
  #cacheLifetime(cacheControl: string | null): number {
    const { min, max } = this.#maxAge;
    if (cacheControl === null) return this.#maxAge.default;
    if (NO_CACHE.test(cacheControl)) return min;
    const match = MAX_AGE.exec(cacheControl);
    if (match === null) return this.#maxAge.default;
    return Math.min(max, Math.max(min, Number(match[1])));
  }
}

function cacheMaxAgeOption(value: RemoteKeySetOptions['cacheMaxAge']): {
  min: number;
  max: number;
  default: number;
} {
  if (value === undefined) return DEFAULT_CACHE_MAX_AGE;
  if (value === null || typeof value !== 'object') throw new TypeError('cacheMaxAge must be an object');
  const min = parseDuration(value.min ?? DEFAULT_CACHE_MAX_AGE.min, 'cacheMaxAge.min');
  const max = parseDuration(value.max ?? DEFAULT_CACHE_MAX_AGE.max, 'cacheMaxAge.max');
  if (min > max) throw new TypeError('cacheMaxAge.min must not exceed cacheMaxAge.max');
  const fallback = parseDuration(value.default ?? DEFAULT_CACHE_MAX_AGE.default, 'cacheMaxAge.default');
  return { min, max, default: Math.min(max, Math.max(min, fallback)) };
}
