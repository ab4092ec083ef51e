import { InvalidScope, UnauthorizedClient } from '../../errors/index.js';
import { deviceCodeGrant } from '../../grants/device-code.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';

/** RFC 8628 §3.1 + RFC 6749 §5.2 `unauthorized_client`: the client is registered for the device grant. */
export function checkDeviceGrantAllowed(client: Pick<ClientRecord, 'grantTypes'>): void {
  if (!client.grantTypes.includes(deviceCodeGrant.type)) {
    throw new UnauthorizedClient('The client is not allowed to use the device authorization grant');
  }
}

/**
 * RFC 8628 §3.1 `scope` (RFC 6749 §3.3). Decisions, as at the authorization endpoint: a scope the client
 * may not have is dropped (the token response states what was granted); an omitted scope means
 * `openid`. Unlike there, `openid` is not required: a device may want an API token only. Nothing left
 * to grant is `invalid_scope`.
 */
export function checkDeviceScope(params: RequestParams, client: Pick<ClientRecord, 'scopes'>): string[] {
  const requested = params.list('scope');
  const allowed = new Set(client.scopes);
  const granted = (requested.length === 0 ? ['openid'] : requested).filter((scope) => allowed.has(scope));
  if (granted.length === 0) throw new InvalidScope('None of the requested scopes is allowed for this client');
  return granted;
}
