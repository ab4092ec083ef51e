import { decodeBase64url, isJoseError, parseJsonObject } from '@latchkey/oidc';
import { CommandError } from '../../lib/errors.js';

/** Decodes one base64url JSON segment with the library's strict rules (canonical, UTF-8, no duplicates). */
function segment(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined || text === '') throw new CommandError(`the ${what} segment is missing`);
  try {
    return parseJsonObject(decodeBase64url(text), 'ERR_JWS_INVALID', `the ${what}`);
  } catch (error) {
    throw new CommandError(isJoseError(error) ? error.message : String(error));
  }
}

/** The header and claims of a compact JWT, NOT verified; a CommandError says what is wrong with it. */
export function decodeUnverified(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const parts = token.split('.');
  if (parts.length === 5)
    throw new CommandError('this is a JWE (five segments): it is encrypted and cannot be decoded');
  if (parts.length !== 3)
    throw new CommandError(`a JWT has three dot-separated segments; this has ${parts.length}`);
  return { header: segment(parts[0], 'header'), claims: segment(parts[1], 'claims') };
}
