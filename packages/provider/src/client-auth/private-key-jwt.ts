import { createHash } from 'node:crypto';
import {
  ASYMMETRIC_ALGORITHMS,
  createJwtVerifier,
  isJoseError,
  type JwsAlgorithm,
  type JwtClaims,
  parseCompactJws,
  parseJsonObject,
} from '@latchkey/oidc';
import { InvalidClient } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import type { ClientRecord, ReplayCache } from '../store/types.js';
import {
  checkAssertionAudience,
  checkAssertionJti,
  checkAssertionLifetime,
  checkAssertionSubject,
} from './assertion-checks.js';
import { type ClientKeySets, createClientKeySets } from './client-key-sets.js';
import type { ClientAuthMethod, ClientAuthRequest, PresentedCredentials } from './method.js';

/** RFC 7523 §2.2: the one `client_assertion_type` of JWT client authentication. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The algorithms a client may sign its assertion with: the asymmetric ones of @latchkey/oidc's table.
 * `none` is never one (J1), and HS* is not either — a registered JWKS holds public keys only, so an
 * HMAC "keyed" with one is the RS→HS confusion (J2). Discovery advertises this list.
 */
export const CLIENT_ASSERTION_ALGORITHMS: readonly JwsAlgorithm[] = ASYMMETRIC_ALGORITHMS;

/** Clock skew allowed on `exp`, `nbf` and `iat` (RFC 7519 §4.1.4). */
const CLOCK_TOLERANCE = 30;

function malformed(): InstanceType<typeof InvalidClient> {
  return new InvalidClient('The client assertion is malformed');
}

/**
 * RFC 7523 §2.2 / OIDC Core §9: `client_assertion_type` and `client_assertion` in the body. The client
 * id comes from the assertion's `sub` (RFC 7523 §3 item 2), read here without trust: `verify` checks
 * the signature and then every claim.
 */
export function readClientAssertion(request: ClientAuthRequest): PresentedCredentials {
  const type = request.params.require('client_assertion_type');
  const assertion = request.params.require('client_assertion');
  // RFC 7521 §4.2.1: an assertion that cannot be used is `invalid_client`.
  if (type !== CLIENT_ASSERTION_TYPE) throw new InvalidClient('The client_assertion_type is not supported');
  let sub: unknown;
  try {
    const parsed = parseCompactJws(assertion);
    sub = parseJsonObject(
      Buffer.from(parsed.payloadSegment, 'base64url'),
      'ERR_JWT_INVALID',
      'the client assertion',
    ).sub;
  } catch (error) {
    if (isJoseError(error)) throw malformed();
    throw error;
  }
  if (typeof sub !== 'string' || sub === '') throw malformed();
  return { clientId: sub, assertion };
}

/** The entry of the registry: what the method is, how it shows in a request and how it is read. */
const descriptor = {
  method: 'private_key_jwt',
  usesSecret: false,
  forPublicClients: false,
  requiresClientKeys: true,
  implemented: true,
  presentedIn: (request: ClientAuthRequest) =>
    request.params.has('client_assertion') || request.params.has('client_assertion_type'),
  read: readClientAssertion,
} as const;

/**
 * RFC 7523 §2.2 / OIDC Core §9: a JWT signed with a key the client registered. This registry entry
 * cannot verify on its own (it needs the issuer, the replay cache and the clock): the app binds it with
 * `withPrivateKeyJwt`, and an unbound entry is refused as unsupported by authenticateClient.
 */
export const privateKeyJwt = descriptor satisfies ClientAuthMethod;

export interface PrivateKeyJwtDeps {
  /** The issuer identifier; with the token endpoint URL, the only accepted `aud` values (C4). */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Keeps every accepted `jti` until the assertion's `exp` (C3). */
  readonly replayCache: Pick<ReplayCache, 'remember'>;
  readonly now: Clock;
  /** Default: built from the clients' registrations with `fetch` (for jwks_uri). */
  readonly keySets?: ClientKeySets;
  readonly fetch?: typeof fetch;
  /** For the jwks_uri of clients nobody registered by hand (client-key-sets.ts). */
  readonly guardedFetch?: typeof fetch;
}

/** The private_key_jwt method with its dependencies: the one the token endpoint calls. */
export function createPrivateKeyJwt(deps: PrivateKeyJwtDeps): ClientAuthMethod {
  const nowMs = () => deps.now() * 1000;
  const keySets =
    deps.keySets ??
    createClientKeySets({
      algorithms: CLIENT_ASSERTION_ALGORITHMS,
      nowMs,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      ...(deps.guardedFetch === undefined ? {} : { guardedFetch: deps.guardedFetch }),
    });
  const audiences = [deps.issuer, deps.tokenEndpoint];
  // J1–J3: the algorithms are ours, never the token's; every claim named here must be present.
  const verifier = createJwtVerifier({
    algorithms: CLIENT_ASSERTION_ALGORITHMS,
    audience: audiences,
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
    clockTolerance: CLOCK_TOLERANCE,
    now: nowMs,
  });

  async function verify(client: ClientRecord | undefined, credentials: PresentedCredentials) {
    if (client === undefined || credentials.assertion === undefined) return false;
    if (client.tokenEndpointAuthMethod !== 'private_key_jwt') return false;
    let claims: JwtClaims;
    try {
      // C5: keys only from the client's registered jwks / jwks_uri.
      const keySet = keySets.forClient(client);
      if (keySet === undefined) {
        throw new InvalidClient('Client authentication failed', 'private_key_jwt: no registered keys');
      }
      claims = (await verifier.verify(credentials.assertion, keySet)).claims;
    } catch (error) {
      if (!isJoseError(error)) throw error;
      const detail = error.claim === undefined ? error.code : `${error.code} (${error.claim})`;
      throw new InvalidClient('Client authentication failed', `private_key_jwt: ${detail}`);
    }
    const now = deps.now();
    checkAssertionSubject(claims, client.clientId);
    checkAssertionAudience(claims, audiences);
    const exp = checkAssertionLifetime(claims, now);
    const jti = checkAssertionJti(claims);
    // C3: a jti is accepted once per client, and remembered until the assertion could no longer pass
    // (its exp plus the clock tolerance).
    if (!(await deps.replayCache.remember(replayKey(client.clientId, jti), exp + CLOCK_TOLERANCE, now))) {
      throw new InvalidClient('Client authentication failed', 'private_key_jwt: jti replayed');
    }
    return true;
  }

  return { ...descriptor, verify };
}

/** The replay-cache key: fixed length whatever the jti, and one namespace per client. */
function replayKey(clientId: string, jti: string): string {
  const digest = createHash('sha256').update(clientId).update('\0').update(jti).digest('base64url');
  return `private_key_jwt:${digest}`;
}

/**
 * The registry with its private_key_jwt entry bound to `deps` (an entry that already verifies is kept).
 * The app calls this once; the registry stays the one list (DESIGN rule 2).
 */
export function withPrivateKeyJwt(
  registry: readonly ClientAuthMethod[],
  deps: PrivateKeyJwtDeps,
): readonly ClientAuthMethod[] {
  return registry.map((method) =>
    method.method === 'private_key_jwt' && method.verify === undefined ? createPrivateKeyJwt(deps) : method,
  );
}
