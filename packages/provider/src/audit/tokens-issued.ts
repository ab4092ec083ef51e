import type { AuditEvent, AuditStore } from '../store/types.js';

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
export function tokensIssuedEvent(issued: TokensIssued): AuditEvent {
  return {
    type: 'token.issued',
    at: issued.at,
    userId: issued.userId,
    clientId: issued.clientId,
    details: { grantType: issued.grantType, grantId: issued.grantId, scope: issued.scope },
  };
}

/**
 * Appends a `token.issued` event on its own (the refresh grant's rotation writes it in its own commit
 * instead). It is the response's last write and never fails the response: the tokens are minted and any
 * refresh token stored, and the event is in the structured log already (withAuditLog writes it before
 * the store).
 */
export function recordTokensIssued(audit: Pick<AuditStore, 'append'>, event: AuditEvent): Promise<void> {
  return audit.append(event).catch(() => {});
}
