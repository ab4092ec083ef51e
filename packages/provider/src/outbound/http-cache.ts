import type { Clock } from '../lib/clock.js';
import type { GuardedFetcher, OutboundRequest, OutboundResponse } from './guarded-fetch.js';

export interface HttpCacheOptions {
  readonly now: Clock;
  /** Bounds on how long (seconds) an answer is kept, whatever `max-age` says. */
  readonly minTtl: number;
  readonly maxTtl: number;
  /** When the answer says nothing about caching. */
  readonly defaultTtl: number;
  /** Entries kept; the oldest goes first (DESIGN rule 9). */
  readonly maxEntries: number;
}

/**
 * HTTP caching within bounds (RFC 9111 §5.2.2): `no-store` is never kept, `no-cache` or `max-age=0`
 * are kept only `minTtl`, any other `max-age` is clamped to [minTtl, maxTtl]. The lower bound keeps a
 * document that asks never to be cached from turning every authorization request into a fetch; the
 * upper bound lets a changed document take effect. Failures are never cached. Concurrent requests for
 * one URL share one fetch.
 */
export function withHttpCache(fetcher: GuardedFetcher, options: HttpCacheOptions): GuardedFetcher {
  const entries = new Map<string, { readonly response: OutboundResponse; readonly expiresAt: number }>();
  const inFlight = new Map<string, Promise<OutboundResponse>>();
  return {
    get(request: OutboundRequest) {
      const key = `${request.url}\n${request.accept.join(',')}\n${request.maxBytes}`;
      const entry = entries.get(key);
      if (entry !== undefined && options.now() < entry.expiresAt) return Promise.resolve(entry.response);
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const load = fetcher.get(request).then(
        (response) => {
          inFlight.delete(key);
          const ttl = cacheLifetime(response.cacheControl, options);
          entries.delete(key);
          if (ttl > 0) {
            if (entries.size >= options.maxEntries) {
              const oldest = entries.keys().next().value;
              if (oldest !== undefined) entries.delete(oldest);
            }
            entries.set(key, { response, expiresAt: options.now() + ttl });
          }
          return response;
        },
        (error: unknown) => {
          inFlight.delete(key);
          throw error;
        },
      );
      inFlight.set(key, load);
      return load;
    },
  };
}

/** Seconds to keep an answer with this `Cache-Control`. */
export function cacheLifetime(
  cacheControl: string | undefined,
  bounds: Pick<HttpCacheOptions, 'minTtl' | 'maxTtl' | 'defaultTtl'>,
): number {
  const directives = new Map<string, string | undefined>();
  for (const part of (cacheControl ?? '').split(',')) {
    const [name, value] = part.trim().toLowerCase().split('=', 2);
    if (name) directives.set(name, value?.replace(/^"|"$/g, ''));
  }
  if (directives.has('no-store')) return 0;
  if (directives.has('no-cache')) return bounds.minTtl;
  const maxAge = directives.get('max-age');
  const seconds = maxAge !== undefined && /^\d+$/.test(maxAge) ? Number(maxAge) : bounds.defaultTtl;
  return Math.min(bounds.maxTtl, Math.max(bounds.minTtl, seconds));
}
