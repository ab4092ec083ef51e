/**
 * RFC 9449 §5: what a token request with a valid DPoP proof changes — the access tokens it gets carry
 * `cnf.jkt`, and a public client's refresh tokens are bound to the key too (a confidential client's
 * are bound to its authentication already). Grant handlers stay unaware: they get services that bind.
 */
import type { GrantServices } from '../grants/grant.js';
import type { ClientRecord } from '../store/types.js';

export function bindGrantServices(
  services: GrantServices,
  jkt: string,
  client: Pick<ClientRecord, 'type'>,
): GrantServices {
  const { tokens, refreshTokens } = services;
  return {
    ...services,
    tokens: {
      ...tokens,
      issueSignInTokens: (input) => tokens.issueSignInTokens({ ...input, dpopJkt: jkt }),
      issueClientToken: (input) => tokens.issueClientToken({ ...input, dpopJkt: jkt }),
      issueMachineToken: (input) => tokens.issueMachineToken({ ...input, dpopJkt: jkt }),
    },
    refreshTokens:
      client.type === 'public'
        ? { ...refreshTokens, issue: (family, at) => refreshTokens.issue({ ...family, dpopJkt: jkt }, at) }
        : refreshTokens,
  };
}
