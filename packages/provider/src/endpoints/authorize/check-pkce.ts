import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is always 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * PKCE (RFC 7636, checklist A5): required from every client, public or confidential (RFC 9700 §2.1.1
 * recommends it for all), `S256` only. A missing method means `plain` (RFC 7636 §4.3), which is refused
 * like an explicit `plain`: it protects nothing once the request is seen.
 */
export function checkPkce(params: RequestParams): string {
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === undefined) {
    throw new InvalidRequest('The code_challenge parameter is required (PKCE with S256)');
  }
  if (method !== 'S256') {
    throw new InvalidRequest('The code_challenge_method must be S256');
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw new InvalidRequest('The code_challenge must be 43 base64url characters');
  }
  return challenge;
}
