import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';

/**
 * The redirect URI the response goes to: an exact string match against the client's registered list
 * (RFC 9700 §4.1.3, checklist A3): no prefix, path, query, case or encoding variant. It may be omitted
 * only when exactly one is registered (RFC 6749 §3.1.2.3). A failure is shown on a local page (A3/A4).
 */
export function checkRedirectUri(params: RequestParams, client: ClientRecord): string {
  const requested = params.get('redirect_uri');
  if (requested === undefined) {
    const [only, ...others] = client.redirectUris;
    if (only !== undefined && others.length === 0) return only;
    throw new InvalidRequest('The redirect_uri parameter is required: the client registered several');
  }
  if (!client.redirectUris.includes(requested)) {
    throw new InvalidRequest('The redirect_uri is not registered for this client');
  }
  return requested;
}
