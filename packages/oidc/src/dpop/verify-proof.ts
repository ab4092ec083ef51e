/**
 * Checking a DPoP proof, RFC 9449 §4.3, and its binding to an access token (§4.3 check 12, §6.1).
 * Every check that fails throws `ERR_DPOP_PROOF_INVALID`, except a missing or stale server nonce,
 * which throws `ERR_DPOP_NONCE_REQUIRED` so the caller can answer `use_dpop_nonce` with a fresh one.
 * The `jti` is remembered last, so a proof that fails another check does not use up its `jti`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ALGORITHMS, type JwsAlgorithm } from '../jose/algorithms.js';
import { JoseError } from '../jose/errors.js';
import { parseJsonObject } from '../jose/json.js';
import { importJwk } from '../jose/jwk/import.js';
import { jwkThumbprint } from '../jose/jwk/thumbprint.js';
import { parseCompactJws } from '../jose/jws/parse.js';
import { verifySignature } from '../jose/jws/verify.js';
import type { JoseKey, Jwk } from '../jose/types.js';
import { isJsonObject } from '../lib/is-object.js';
import { normaliseHtu } from './htu.js';
import type { DpopNonceSource } from './nonce.js';
import type { DpopReplayCache } from './replay-cache.js';

/** What a verifier of DPoP proofs is configured with, once. */
export interface DpopProofPolicy {
  /** Asymmetric algorithms accepted (RFC 9449 §4.3 check 5). Default ES256, ES384, PS256, RS256, EdDSA. */
  readonly algorithms: readonly JwsAlgorithm[];
  readonly replayCache: DpopReplayCache;
  /** When set, every proof must carry one of its nonces (§8, §9). */
  readonly nonces?: DpopNonceSource | undefined;
  /** How old a proof may be, in seconds, by its `iat` (§4.3 check 11). */
  readonly maxAge: number;
  /** How far in the future `iat` may be, in seconds (clock skew). */
  readonly clockTolerance: number;
  /** The clock, epoch milliseconds. */
  readonly now: () => number;
}

/** The request a proof must be for. */
export interface DpopProofRequest {
  readonly method: string;
  /** The absolute URI of the request; its query and fragment are ignored (§4.3 check 9). */
  readonly url: string;
  /** The access token sent with the proof; its hash must be the proof's `ath` (§4.3 check 12). */
  readonly accessToken?: string | undefined;
  /** The token's `cnf.jkt`: the proof must be signed by that key (§6.1). */
  readonly expectedJkt?: string | undefined;
}

export interface VerifiedDpopProof {
  /** The RFC 7638 SHA-256 thumbprint of the proof's key: what `cnf.jkt` binds to. */
  readonly jkt: string;
  readonly jwk: Jwk;
  readonly key: JoseKey;
  readonly claims: Readonly<Record<string, unknown>>;
}

export const DEFAULT_DPOP_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze([
  'ES256',
  'ES384',
  'PS256',
  'RS256',
  'EdDSA',
]);

// Proofs carry a public key and a few short claims; 8 KiB leaves room for an RSA-4096 key.
const MAX_PROOF_SIZE = 8 * 1024;
const MAX_JTI_LENGTH = 256;
// RFC 7517 and RFC 7518 §6: members that make a JWK private (§4.3 check 6: `jwk` must be public).
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

export async function verifyDpopProof(
  proof: string,
  request: DpopProofRequest,
  policy: DpopProofPolicy,
): Promise<VerifiedDpopProof> {
  // §4.3 checks 2–4: a well-formed JWS with typ dpop+jwt.
  const parsed = guard(() => parseCompactJws(proof, { maxTokenSize: MAX_PROOF_SIZE }), 'malformed');
  const { header } = parsed;
  if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'dpop+jwt') {
    throw invalid('the proof typ must be dpop+jwt');
  }
  // §4.3 check 5: asymmetric, and one the server accepts (never none, never a MAC).
  if (!ALGORITHMS[header.alg].asymmetric || !policy.algorithms.includes(header.alg)) {
    throw invalid('the proof algorithm is not accepted');
  }
  // §4.3 checks 6–7: a public key in the header, and the signature by it.
  const jwk = header.jwk;
  if (!isJsonObject(jwk)) throw invalid('the proof has no jwk header');
  if (PRIVATE_MEMBERS.some((name) => Object.hasOwn(jwk, name))) {
    throw invalid('the proof jwk must not contain private key members');
  }
  const key = guard(() => importJwk(jwk, { alg: header.alg }), 'its jwk is not a usable public key');
  guard(() => verifySignature(parsed, key), 'its signature does not verify');
  const jkt = jwkThumbprint(jwk as Jwk);

  const claims = guard(
    () =>
      parseJsonObject(Buffer.from(parsed.payloadSegment, 'base64url'), 'ERR_DPOP_PROOF_INVALID', 'the proof'),
    'its claims are not a JSON object',
  );
  const { jti, htm, htu, iat } = claims;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw invalid('the proof needs a jti');
  }
  // §4.3 check 8: the method, compared exactly (methods are case-sensitive, RFC 9110 §9.1).
  if (htm !== request.method) throw invalid('the proof htm does not match the request method');
  // §4.3 check 9.
  const expectedHtu = normaliseHtu(request.url);
  if (expectedHtu === undefined || normaliseHtu(htu) !== expectedHtu) {
    throw invalid('the proof htu does not match the request URI');
  }
  // §4.3 check 11: recent enough, not from the future. Without a nonce this window is all that
  // limits how long a stolen proof is worth anything (§11.1).
  const now = policy.now() / 1000;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('the proof needs a numeric iat');
  if (iat > now + policy.clockTolerance) throw invalid('the proof iat is in the future');
  if (iat < now - policy.maxAge) throw invalid('the proof is too old');
  // §4.3 check 10.
  if (policy.nonces !== undefined && !policy.nonces.isValid(claims.nonce)) {
    throw new JoseError('ERR_DPOP_NONCE_REQUIRED');
  }
  // §4.3 check 12: the proof is for this very token, by the key the token is bound to.
  if (request.accessToken !== undefined) checkAth(claims.ath, request.accessToken);
  if (request.expectedJkt !== undefined && request.expectedJkt !== jkt) {
    throw invalid('the proof is not signed by the key the access token is bound to');
  }
  // §11.1: a jti is accepted once while the proof could pass the iat check. Keyed by the key too,
  // so one client's choice of jti never collides with another's.
  const expiresAt = Math.ceil(iat + policy.maxAge + policy.clockTolerance);
  const replayKey = `dpop:${createHash('sha256').update(`${jkt}:${jti}`).digest('base64url')}`;
  if (!(await policy.replayCache.remember(replayKey, expiresAt, Math.floor(now)))) {
    throw invalid('the proof has been used before');
  }
  return { jkt, jwk: jwk as Jwk, key, claims };
}

/** `ath`: base64url of the SHA-256 of the access token's ASCII (§4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

function checkAth(ath: unknown, accessToken: string): void {
  if (typeof ath !== 'string') throw invalid('the proof has no ath for the access token');
  const expected = Buffer.from(accessTokenHash(accessToken));
  const given = Buffer.from(ath);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid('the proof ath does not match the access token');
  }
}

function guard<T>(step: () => T, what: string): T {
  try {
    return step();
  } catch (cause) {
    throw new JoseError('ERR_DPOP_PROOF_INVALID', `the proof is invalid: ${what}`, { cause });
  }
}

function invalid(message: string): JoseError {
  return new JoseError('ERR_DPOP_PROOF_INVALID', message);
}
