import { UnsupportedTokenType } from '../../errors/index.js';
import type { ClientRecord } from '../../store/types.js';
import { GRANT_ID_CLAIM } from '../../tokens/index.js';
import type { InspectedToken } from '../introspection/inspect-token.js';

/**
 * Which grant revoking this token revokes, or undefined when there is nothing to do.
 * - Not ours, or issued to another client: nothing (RFC 7009 §2.2: invalid tokens cause no error).
 * - A refresh token: its grant, which is its family (issue 5: revoking a refresh token ends the family).
 * - An access token of a grant: the grant (RFC 7009 §2.1 lets the server revoke "other tokens based on
 *   the same authorization grant"). A JWT cannot be recalled from APIs that verify it offline, so the
 *   grant is the one handle on it: its refresh tokens die, UserInfo and introspection refuse it.
 * - A client's own access token (client_credentials) has no grant and cannot be recalled before
 *   `exp`: `unsupported_token_type` (RFC 7009 §2.2.1) says so rather than a 200 that would claim it.
 */
export function checkRevocable(token: InspectedToken | undefined, caller: ClientRecord): string | undefined {
  if (token === undefined || token.clientId !== caller.clientId) return undefined;
  if (token.type === 'refresh_token') return token.record.grantId;
  if (token.grant === undefined) {
    if (token.claims[GRANT_ID_CLAIM] === undefined) {
      throw new UnsupportedTokenType('Access tokens issued with client_credentials cannot be revoked');
    }
    return undefined;
  }
  return token.grant.id;
}
