import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

/** RFC 7638 with SHA-256, base64url: always 43 characters. */
const JKT = /^[A-Za-z0-9_-]{43}$/;

/**
 * RFC 9449 §10: `dpop_jkt`, the thumbprint of the key the client will prove at the token endpoint. The
 * code is bound to it, so a code stolen on its way back (the front channel) is worthless without that
 * private key. Optional; when sent, it must be a SHA-256 thumbprint.
 */
export function checkDpopJkt(params: RequestParams): string | undefined {
  const jkt = params.get('dpop_jkt');
  if (jkt !== undefined && !JKT.test(jkt)) {
    throw new InvalidRequest('The dpop_jkt must be a JWK SHA-256 thumbprint (43 base64url characters)');
  }
  return jkt;
}
