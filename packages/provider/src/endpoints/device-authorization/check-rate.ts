import type { FastifyReply } from 'fastify';
import { OAuthError } from '../../errors/index.js';
import type { RequestRateLimiter } from '../../limits/request-rate.js';

export interface DeviceAuthorizationLimits {
  readonly perClient: RequestRateLimiter;
  readonly perAddress: RequestRateLimiter;
}

/**
 * Checklist L3: a device authorization stores a device code for a request no person has authenticated,
 * so it is rate-limited per client address and per client before anything is written. Decision: the
 * answer is `429` with `Retry-After` (RFC 6585 §4) and the body RFC 6749 §5.2 clients already parse,
 * with `slow_down`, the word RFC 8628 §3.5 gives a device that should wait: a device client library
 * raises it as an OAuth error naming the code, and generic HTTP clients honour 429 + Retry-After.
 */
export async function checkDeviceAuthorizationRate(
  limits: DeviceAuthorizationLimits,
  request: { readonly ip: string; readonly clientId: string; readonly now: number },
  reply: FastifyReply,
): Promise<void> {
  const wait =
    (await limits.perAddress.take(request.ip, request.now)) ||
    (await limits.perClient.take(request.clientId, request.now));
  if (wait > 0) {
    reply.header('retry-after', String(wait));
    throw new OAuthError(
      'slow_down',
      429,
      `Too many device authorization requests; try again in ${wait} seconds`,
    );
  }
}
