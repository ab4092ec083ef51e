import { performance } from 'node:perf_hooks';
import type { ProviderStores } from '../store/types.js';
import type { ProviderMetrics } from './provider-metrics.js';

/** The stores whose calls reach the database (ping and close are not timed). */
const STORE_NAMES = [
  'clients',
  'users',
  'signingKeys',
  'leases',
  'sessions',
  'consents',
  'grants',
  'authorizationCodes',
  'audit',
  'refreshTokens',
  'deviceCodes',
  'replayCache',
  'groups',
] as const satisfies readonly (keyof ProviderStores)[];

/**
 * The same stores, each call timed into `latchkey_database_call_duration_seconds` and failures counted by
 * kind. Only the stores present are wrapped; the result has the input's type, so callers see no change.
 */
export function instrumentStores<T extends Partial<ProviderStores>>(stores: T, metrics: ProviderMetrics): T {
  const instrumented: Record<string, unknown> = { ...stores };
  for (const name of STORE_NAMES) {
    const store = stores[name];
    if (store !== undefined) instrumented[name] = timeEachMethod(store as object, metrics);
  }
  return instrumented as T;
}

function timeEachMethod(store: object, metrics: ProviderMetrics): object {
  const timed: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    if (typeof member !== 'function') {
      timed[name] = member;
      continue;
    }
    const method = member as (...args: unknown[]) => unknown;
    timed[name] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        const result = await method.apply(store, args);
        metrics.databaseCall((performance.now() - started) / 1000, undefined);
        return result;
      } catch (error) {
        metrics.databaseCall((performance.now() - started) / 1000, error);
        throw error;
      }
    };
  }
  return timed;
}
