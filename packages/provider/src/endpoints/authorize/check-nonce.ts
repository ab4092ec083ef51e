import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

/** Bounded (rule 9); generous for any random value a client makes. */
export const MAX_NONCE_LENGTH = 512;

/**
 * OIDC Core §3.1.2.1: `nonce` is optional in the code flow; when sent it is stored with the code and
 * returned unchanged in the ID token (§3.1.3.7, checklist J23), where the client checks it.
 */
export function checkNonce(params: RequestParams): string | undefined {
  const nonce = params.get('nonce');
  if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) {
    throw new InvalidRequest(`The nonce must be at most ${MAX_NONCE_LENGTH} characters`);
  }
  return nonce;
}
