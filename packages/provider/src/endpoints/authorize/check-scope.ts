import { InvalidScope } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';

/**
 * The scopes to grant. Decisions:
 * - `openid` is required: this is an OpenID Provider, and without it the request would not be an
 *   OpenID Connect request (OIDC Core §3.1.2.1) — `invalid_scope`, also when the client may not use it;
 * - a scope the client is not allowed, or that nobody knows, is dropped rather than refused: OIDC Core
 *   §3.1.2.1 says scope values that are not understood SHOULD be ignored, and RFC 6749 §3.3 lets the
 *   server grant less than asked (the token response then states the granted scope).
 * `openid` comes first; the rest keep the order the client asked for.
 */
export function checkScope(params: RequestParams, client: ClientRecord): string[] {
  const requested = params.list('scope');
  if (!requested.includes('openid')) {
    throw new InvalidScope('The scope parameter must include openid');
  }
  if (!client.scopes.includes('openid')) {
    throw new InvalidScope('The client is not allowed the openid scope');
  }
  const allowed = new Set(client.scopes);
  return ['openid', ...requested.filter((s) => s !== 'openid' && allowed.has(s))];
}
