import { isOidcClientError } from '@latchkey/oidc';

// Failures of the provider itself, or of reaching it: its discovery document, key set or token
// endpoint is unusable. Everything else at the callback comes from what the browser brought.
const PROVIDER_FAILURES: ReadonlySet<string> = new Set([
  'ERR_CLIENT_METADATA_INVALID',
  'ERR_CLIENT_TOKEN_RESPONSE_INVALID',
  'ERR_DISCOVERY_INVALID',
  'ERR_JWKS_INVALID',
  'ERR_JWKS_TIMEOUT',
  'ERR_JWKS_FETCH_FAILED',
  'ERR_USERINFO_FAILED',
]);

/**
 * The status of a sign-in callback that failed, and the code its page names. A code, state or ID token
 * the gateway refuses was sent by the browser: 400. The token endpoint refusing the code with
 * `invalid_grant` (unknown, used, expired, or another PKCE verifier: RFC 6749 §5.2, RFC 7636 §4.6) is
 * the same. 502 is kept for a provider that cannot be reached or answers what no client could use
 * (`invalid_client` and other token endpoint errors mean the gateway's registration is wrong, not the
 * browser).
 */
export function callbackFailure(error: unknown): { readonly status: 400 | 502; readonly code: string } {
  const { name, code: raw } = (error ?? {}) as { name?: unknown; code?: unknown };
  // Only the library's own codes are named on the page; anything else is a failure we did not foresee.
  const code =
    (name === 'JoseError' || name === 'OidcClientError' || name === 'UserInfoError') &&
    typeof raw === 'string'
      ? raw
      : 'ERR_INTERNAL';
  if (isOidcClientError(error, 'ERR_CLIENT_TOKEN_REQUEST_FAILED'))
    return { status: error.error === 'invalid_grant' ? 400 : 502, code };
  if (code === 'ERR_INTERNAL' || PROVIDER_FAILURES.has(code)) return { status: 502, code };
  return { status: 400, code };
}
