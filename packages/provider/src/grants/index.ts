import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { deviceCodeGrant } from './device-code.js';
import type { GrantDefinition } from './grant.js';
import { jwtBearerGrant } from './jwt-bearer.js';
import { refreshTokenGrant } from './refresh-token.js';
import { tokenExchangeGrant } from './token-exchange.js';

export type { GrantDefinition, GrantRequest, GrantServices, TokenResponseBody } from './grant.js';

/** The grant registry: the one list discovery, client validation and the token endpoint read. */
export const GRANTS: readonly GrantDefinition[] = [
  authorizationCodeGrant,
  refreshTokenGrant,
  clientCredentialsGrant,
  deviceCodeGrant,
  tokenExchangeGrant,
  jwtBearerGrant,
];

export function findGrant(
  type: string,
  registry: readonly GrantDefinition[] = GRANTS,
): GrantDefinition | undefined {
  return registry.find((grant) => grant.type === type);
}
