import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';

/**
 * The redirect URI the response goes to: an exact string match against the client's registered list
 * (RFC 9700 §4.1.3, checklist A3): no prefix, path, query, case or encoding variant. It is required
 * even when the client registered one (OIDC Core §3.1.2.1: every request here is an OpenID request), which
 * also keeps the token endpoint's rule simple: the same redirect_uri must come back (RFC 6749 §4.1.3).
 * A failure is shown on a local page (A3/A4).
 */
export function checkRedirectUri(params: RequestParams, client: ClientRecord): string {
  const requested = params.get('redirect_uri');
  if (requested === undefined) throw new InvalidRequest('The redirect_uri parameter is required');
  if (!client.redirectUris.includes(requested)) {
    throw new InvalidRequest('The redirect_uri is not registered for this client');
  }
  return requested;
}
