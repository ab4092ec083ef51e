import type { AuditStore } from '../store/types.js';

export interface TokensIssued {
  readonly at: number;
  /** The grant type of the token request (`authorization_code`, `refresh_token`, …). */
  readonly grantType: string;
  readonly clientId: string;
  readonly userId: string;
  /** The grant (refresh-token family) the tokens belong to: what `revoke` and reuse detection act on. */
  readonly grantId: string;
  readonly scope: string;
}

/**
 * The `token.issued` audit event of a token response made for a user. Identifiers only: never the
 * tokens, their hashes or the code. (client_credentials is not recorded in the store: that path is
 * built to touch no database; it is counted in `latchkey_tokens_issued_total`.)
 */
export function recordTokensIssued(audit: Pick<AuditStore, 'append'>, event: TokensIssued): Promise<void> {
  // Never fails the response: the tokens are minted and a refresh token already rotated, so an error
  // here would make the client retry with the rotated token and revoke its own family (RFC 9700
  // §4.14.2). The event is in the structured log already (withAuditLog writes it before the store).
  return audit
    .append({
      type: 'token.issued',
      at: event.at,
      userId: event.userId,
      clientId: event.clientId,
      details: { grantType: event.grantType, grantId: event.grantId, scope: event.scope },
    })
    .catch(() => {});
}
