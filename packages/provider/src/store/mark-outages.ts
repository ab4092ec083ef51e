import { DatabaseUnavailableError, isDatabaseUnavailable } from '../lib/database-unavailable.js';
import { aroundEachStoreCall } from './lib/around-calls.js';
import type { ProviderStores } from './types.js';

/**
 * The same stores, with every failure that means "the database cannot answer" (connection refused or
 * lost, server shutting down, SQLite busy) rethrown as a `DatabaseUnavailableError`. The error factory
 * answers exactly those with 503 and Retry-After, whichever endpoint made the call: the origin of the
 * error, not its code, decides (a request stream reset by the client has the same code).
 */
export function markDatabaseOutages<T extends Partial<ProviderStores>>(stores: T): T {
  return aroundEachStoreCall(stores, (call) => {
    try {
      const result = call();
      return result instanceof Promise ? result.catch(rethrowMarked) : result;
    } catch (error) {
      return rethrowMarked(error);
    }
  });
}

function rethrowMarked(error: unknown): never {
  throw isDatabaseUnavailable(error) && !(error instanceof DatabaseUnavailableError)
    ? new DatabaseUnavailableError(error)
    : error;
}
