import {
  type BackoffPolicy,
  createStoreRateLimiter,
  type RateLimiter,
  reserveEach,
} from '../login/rate-limiter.js';
import type { ThrottleStore } from '../store/types.js';

/** Per address: 3 emails, then one per minute doubling to one an hour; forgotten after a quiet hour. */
export const SEND_PER_ADDRESS: BackoffPolicy = {
  freeFailures: 3,
  baseDelay: 60,
  maxDelay: 3600,
  forgetAfter: 3600,
};
/** Per client address (one person, or an office behind NAT): 20, then the same doubling. */
export const SEND_PER_IP: BackoffPolicy = {
  freeFailures: 20,
  baseDelay: 60,
  maxDelay: 3600,
  forgetAfter: 3600,
};

export interface SendLimits {
  /**
   * Reserves one email to `address` from `ip` (L1: counted before anything is looked up or sent, so
   * parallel requests cannot outrun it). Every send counts; none is given back. Seconds to wait, or 0.
   */
  reserve(address: string, ip: string, now: number): Promise<number>;
}

export function createSendLimits(
  throttles: ThrottleStore,
  limiters: { readonly address?: RateLimiter; readonly ip?: RateLimiter } = {},
): SendLimits {
  const address =
    limiters.address ?? createStoreRateLimiter(throttles, SEND_PER_ADDRESS, 'email-send-address');
  const ip = limiters.ip ?? createStoreRateLimiter(throttles, SEND_PER_IP, 'email-send-ip');
  return {
    async reserve(to, from, now) {
      const refused = await reserveEach(now, [
        { limiter: ip, key: from },
        // Addresses compare case-insensitively, so `Alice@` and `alice@` share one count.
        { limiter: address, key: to.trim().toLowerCase() },
      ]);
      return refused?.retryAfter ?? 0;
    },
  };
}
