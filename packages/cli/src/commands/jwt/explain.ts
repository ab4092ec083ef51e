import {
  discoveryUrl,
  fetchDiscovery,
  isJoseError,
  type JoseError,
  type ProviderMetadata,
} from '@latchkey/oidc';
import { CommandError, UsageError } from '../../lib/errors.js';
import { decodeUnverified } from './segments.js';

/** The first system error code (ECONNREFUSED, ENOTFOUND, …) in an error's `cause` chain, as " (CODE)". */
function causeCode(error: unknown): string {
  for (let cause = (error as { cause?: unknown }).cause; cause instanceof Object; ) {
    const { code } = cause as { code?: unknown };
    if (typeof code === 'string') return ` (${code})`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return '';
}

/**
 * The issuer's discovery document. A failure names the URL that was read and why, not a key-set error
 * code: an operator's first question is whether --issuer is right and the provider is up.
 */
export async function discover(issuer: string): Promise<ProviderMetadata> {
  try {
    return await fetchDiscovery(issuer);
  } catch (error) {
    if (error instanceof TypeError)
      throw new UsageError(`--issuer ${JSON.stringify(issuer)}: ${error.message}`);
    if (!isJoseError(error)) throw error;
    throw new CommandError(
      `OpenID discovery at ${discoveryUrl(issuer).href} failed: ${error.message}${causeCode(error)}. ` +
        'Check --issuer and that the provider is running.',
    );
  }
}

const KEY_SET_CODES = new Set(['ERR_JWKS_FETCH_FAILED', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

/** What to tell the operator when verifying `token` failed with `error`. */
export function explainFailure(error: JoseError, token: string, issuer: string, jwksUri: string): string {
  if (KEY_SET_CODES.has(error.code))
    return `could not get the issuer's keys from ${jwksUri}: ${error.code}: ${error.message}${causeCode(error)}`;
  const claim = error.claim === undefined ? '' : ` (claim ${error.claim})`;
  const line = `invalid token: ${error.code}: ${error.message}${claim}`;
  // The token's own iss is not secret, and seeing both values is what makes a mismatch obvious.
  if (error.claim === 'iss' && error.reason === 'mismatch') {
    const tokenIssuer = decodeUnverified(token).claims.iss;
    return `${line}: the token's iss is ${JSON.stringify(tokenIssuer)}, --issuer is ${JSON.stringify(issuer)}`;
  }
  return line;
}
