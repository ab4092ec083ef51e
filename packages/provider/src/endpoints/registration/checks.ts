import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidToken, TooManyRequests } from '../../errors/index.js';
import type {
  ClientRegistrationStore,
  InitialAccessTokenStore,
  RegistrationRecord,
  ThrottleStore,
} from '../../store/types.js';
import { hashOpaqueToken } from '../../tokens/index.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The Bearer token of the request, if any (RFC 6750 §2.1: the Authorization header only). */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
}

/** One hour: the window of the per-address registration count. */
export const REGISTRATION_WINDOW = 3600;

/**
 * Open registration, rate-limited per address (checklist L3). The attempt is counted *before* the
 * check (L1): of N parallel registrations from one address at most `limit` pass. Counts live in the
 * shared throttles table, hashed, so every instance sees them.
 */
export async function checkRegistrationRate(
  throttles: ThrottleStore,
  address: string,
  limit: number,
  now: number,
): Promise<void> {
  const key = createHash('sha256').update(`registration-address\0${address}`).digest('base64url');
  // `limit` free registrations, then one wait of a whole window; an hour without one forgets them.
  const policy = {
    freeFailures: limit,
    baseDelay: REGISTRATION_WINDOW,
    maxDelay: REGISTRATION_WINDOW,
    forgetAfter: REGISTRATION_WINDOW,
  };
  if (!(await throttles.reserve(key, now, policy))) {
    throw new TooManyRequests(
      'Too many client registrations from this address; try again later',
      `registrations from one address beyond ${limit}`,
    );
  }
}

/** RFC 7591 §3: with registration by invitation, each registration spends one initial access token. */
export async function checkInitialAccessToken(
  tokens: InitialAccessTokenStore,
  authorization: string | undefined,
  now: number,
): Promise<void> {
  const token = bearerToken(authorization);
  if (token === undefined) throw new InvalidToken('An initial access token is required to register');
  if (!(await tokens.consume(hashOpaqueToken(token), now))) {
    throw new InvalidToken('The initial access token is invalid, used or expired');
  }
}

/**
 * RFC 7592 §2: the registration access token of exactly this client (M3). Unknown clients, clients
 * not dynamically registered and another client's token all get the same 401, so the endpoint does not
 * tell which client ids exist; the hashes are compared in constant time.
 */
export async function checkRegistrationAccessToken(
  registrations: ClientRegistrationStore,
  clientId: string,
  authorization: string | undefined,
): Promise<RegistrationRecord> {
  const token = bearerToken(authorization);
  if (token === undefined) throw new InvalidToken('The registration access token is required');
  const registration = await registrations.get(clientId);
  const presented = Buffer.from(hashOpaqueToken(token));
  const expected = Buffer.from(registration?.registrationTokenHash ?? hashOpaqueToken(''));
  const same = presented.length === expected.length && timingSafeEqual(presented, expected);
  if (registration === undefined || !same) {
    throw new InvalidToken('The registration access token is invalid for this client');
  }
  return registration;
}
