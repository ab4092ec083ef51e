import { InvalidScope } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';

/**
 * The scopes to grant. Decisions:
 * - with `openid` the request is an OpenID Connect request (OIDC Core §3.1.2.1) and the client must be
 *   allowed `openid` (`invalid_scope` otherwise); `openid` comes first in the result;
 * - without it the request is a plain OAuth 2.0 authorization (RFC 6749 §4.1, as MCP clients send it:
 *   `scope=mcp:tools&resource=…`): same pages, an access token, no ID token;
 * - a scope the client is not allowed, or that nobody knows, is dropped rather than refused: OIDC Core
 *   §3.1.2.1 says scope values that are not understood SHOULD be ignored, and RFC 6749 §3.3 lets the
 *   server grant less than asked (the token response then states the granted scope);
 * - a plain OAuth request left with no scope at all is `invalid_scope` (RFC 6749 §3.3 "fail the request
 *   indicating an invalid scope"): consent is asked per scope, so an empty grant would need none.
 * The rest keep the order the client asked for.
 */
export function checkScope(params: RequestParams, client: ClientRecord): string[] {
  const requested = params.list('scope');
  const allowed = new Set(client.scopes);
  const others = requested.filter((s) => s !== 'openid' && allowed.has(s));
  if (requested.includes('openid')) {
    if (!allowed.has('openid')) throw new InvalidScope('The client is not allowed the openid scope');
    return ['openid', ...others];
  }
  if (others.length === 0) {
    throw new InvalidScope('The request names no scope this client may be granted');
  }
  return others;
}
