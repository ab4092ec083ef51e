import type { OutboundConfig } from '../config/types.js';
import type { Clock } from '../lib/clock.js';
import { createAddressPolicy } from './address-policy.js';
import { createGuardedFetcher, type GuardedFetcher, type Resolver } from './guarded-fetch.js';
import { withHostBudget } from './host-budget.js';
import { withHttpCache } from './http-cache.js';

/** What tests may swap in: a resolver (names that exist only in the test) and their own CA. */
export interface OutboundTestHooks {
  readonly resolve?: Resolver;
  readonly ca?: string;
}

/**
 * The provider's one outbound fetcher from its configuration: the address policy with the allowed
 * ranges, the deadline, at most 60 network requests per host per minute, and an HTTP cache kept
 * between 1 minute and 1 day (5 minutes when the answer says nothing), for at most 1,000 documents.
 */
export function createOutboundFetcher(
  config: OutboundConfig,
  now: Clock,
  hooks: OutboundTestHooks = {},
): GuardedFetcher {
  const fetcher = createGuardedFetcher({
    policy: createAddressPolicy(config.allowedAddresses),
    timeoutMs: config.timeout * 1000,
    ...(hooks.resolve === undefined ? {} : { resolve: hooks.resolve }),
    ...(hooks.ca === undefined ? {} : { ca: hooks.ca }),
  });
  const budgeted = withHostBudget(fetcher, { now, perWindow: 60, window: 60, maxHosts: 10_000 });
  return withHttpCache(budgeted, { now, minTtl: 60, maxTtl: 86_400, defaultTtl: 300, maxEntries: 1000 });
}
