import type { GuardedFetcher } from './guarded-fetch.js';

/**
 * The guarded fetcher behind the `fetch` signature, for code that takes a `fetch` (the remote key sets
 * of @latchkey/oidc): GET only; every refusal or failure of the guard is a network error (TypeError),
 * as fetch reports one, so the caller's own failure handling applies.
 */
export function asFetch(
  fetcher: GuardedFetcher,
  limits: { readonly accept: readonly string[]; readonly maxBytes: number },
): typeof fetch {
  return async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method !== 'GET') throw new TypeError('Only GET goes through the guarded fetcher');
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    try {
      const response = await fetcher.get({ url, ...limits });
      return new Response(new Uint8Array(response.body), {
        status: 200,
        headers: {
          'content-type': response.contentType,
          ...(response.cacheControl === undefined ? {} : { 'cache-control': response.cacheControl }),
        },
      });
    } catch (error) {
      throw new TypeError('fetch failed', { cause: error });
    }
  };
}
