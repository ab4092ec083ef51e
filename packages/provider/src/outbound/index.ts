export { type AddressPolicy, createAddressPolicy } from './address-policy.js';
export { isOutboundError, OutboundError, type OutboundErrorCode } from './errors.js';
export {
  createGuardedFetcher,
  type GuardedFetcher,
  type GuardedFetcherOptions,
  type OutboundRequest,
  type OutboundResponse,
  type Resolver,
} from './guarded-fetch.js';
export { type HostBudgetOptions, withHostBudget } from './host-budget.js';
export { cacheLifetime, type HttpCacheOptions, withHttpCache } from './http-cache.js';
