import { claimsForScopes } from '../scopes/index.js';
import type { ClaimRequest } from './claims-request.js';

/**
 * The claims asked for one by one in a `claims` request member (OIDC Core §5.5) that the client may
 * receive: those released by a scope the client is registered for. The person approved the request
 * that named them; the registration bounds what any request of this client can reach, so the
 * `claims` parameter never opens more than the client's own scopes would (OIDC Core §5.5.1 lets the
 * provider decline any claim).
 */
export function requestedClaimNames(
  member: ReadonlyMap<string, ClaimRequest | null>,
  clientScopes: readonly string[],
): string[] {
  const allowed = claimsForScopes(clientScopes);
  return [...member.keys()].filter((name) => name !== 'sub' && allowed.has(name));
}
