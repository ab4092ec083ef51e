import { performance } from 'node:perf_hooks';
import { aroundEachStoreCall } from '../store/lib/around-calls.js';
import type { ProviderStores } from '../store/types.js';
import type { ProviderMetrics } from './provider-metrics.js';

/**
 * The same stores, each call timed into `latchkey_database_call_duration_seconds` and failures counted by
 * kind. Only the stores present are wrapped; the result has the input's type, so callers see no change.
 */
export function instrumentStores<T extends Partial<ProviderStores>>(stores: T, metrics: ProviderMetrics): T {
  return aroundEachStoreCall(stores, async (call) => {
    const started = performance.now();
    try {
      const result = await call();
      metrics.databaseCall((performance.now() - started) / 1000, undefined);
      return result;
    } catch (error) {
      metrics.databaseCall((performance.now() - started) / 1000, error);
      throw error;
    }
  });
}
