import type { ProviderStores } from '../types.js';

/**
 * The stores whose calls reach the database (ping and close are plain functions, not stores). A record
 * over every store name, so a store added to ProviderStores does not compile until it is listed here:
 * an unwrapped store would let its outages through as 500s and its calls go untimed.
 */
const STORE_SET: Record<Exclude<keyof ProviderStores, 'ping' | 'close'>, true> = {
  clients: true,
  users: true,
  signingKeys: true,
  leases: true,
  sessions: true,
  consents: true,
  grants: true,
  authorizationCodes: true,
  audit: true,
  refreshTokens: true,
  deviceCodes: true,
  replayCache: true,
  throttles: true,
  requestRates: true,
  groups: true,
  factors: true,
  emailLinks: true,
  clientRegistrations: true,
  initialAccessTokens: true,
  pushedRequests: true,
  identities: true,
  settings: true,
};
const STORE_NAMES = Object.keys(STORE_SET) as (keyof typeof STORE_SET)[];

/** Runs one store call (`call()`), adding what it must around it; returns what the call returns. */
export type AroundStoreCall = (call: () => unknown) => unknown;

/**
 * The same stores, every method call passed through `around`. Only the stores present are wrapped; the
 * result has the input's type, so callers see no change. A method is looked up when it is called, so a
 * test that replaces one on the original store still reaches it.
 */
export function aroundEachStoreCall<T extends Partial<ProviderStores>>(
  stores: T,
  around: AroundStoreCall,
): T {
  const wrapped: Record<string, unknown> = { ...stores };
  for (const name of STORE_NAMES) {
    const store = stores[name];
    if (store !== undefined) wrapped[name] = aroundEachMethod(store as object, around);
  }
  return wrapped as T;
}

function aroundEachMethod(store: object, around: AroundStoreCall): object {
  const methods = store as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    if (typeof member !== 'function') {
      result[name] = member;
      continue;
    }
    result[name] = (...args: unknown[]) =>
      around(() => (methods[name] as (...a: unknown[]) => unknown).apply(store, args));
  }
  return result;
}
