import { InvalidClient } from '../errors/index.js';
import type { ClientAuthMethod, ClientAuthRequest, PresentedCredentials } from './method.js';
import { verifySharedSecret } from './shared-secret.js';

// RFC 9110 §11.1: the scheme name is case-insensitive. RFC 7617 §2: credentials are one token68.
const BASIC_SCHEME = /^basic(?:[ \t]|$)/i;
const BASIC_CREDENTIALS = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const NEEDS_FORM_DECODING = /[+%]/;

function malformed(): Error {
  return new InvalidClient('The Basic credentials are malformed');
}

/**
 * RFC 6749 §2.3.1: the client id and secret are each encoded with application/x-www-form-urlencoded,
 * joined by `:` and base64-encoded. Decoding undoes both, in that order (checklist C2): a secret with
 * `:` arrives as `%3A`, a space as `+`.
 */
export function decodeBasicCredentials(authorization: string): PresentedCredentials {
  const match = BASIC_CREDENTIALS.exec(authorization);
  const encoded = match?.[1];
  if (encoded === undefined || encoded.length % 4 !== 0) throw malformed();
  let decoded: string;
  try {
    decoded = STRICT_UTF8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    throw malformed();
  }
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw malformed();
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (clientId === '') throw malformed();
  return { clientId, secret };
}

// application/x-www-form-urlencoded (WHATWG URL §5.1): `+` is a space, then percent-decoding.
function formDecode(value: string): string {
  // Generated ids and secrets (base64url, hex) have neither: nothing to undo.
  if (!NEEDS_FORM_DECODING.test(value)) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw malformed();
  }
}

/** RFC 6749 §2.3.1: HTTP Basic with the form-urlencoded client id and secret. */
export const clientSecretBasic = {
  method: 'client_secret_basic',
  usesSecret: true,
  forPublicClients: false,
  requiresClientKeys: false,
  implemented: true,
  presentedIn: (request: ClientAuthRequest) =>
    request.authorization !== undefined && BASIC_SCHEME.test(request.authorization),
  read: (request: ClientAuthRequest) => decodeBasicCredentials(request.authorization ?? ''),
  verify: verifySharedSecret,
} as const satisfies ClientAuthMethod;
