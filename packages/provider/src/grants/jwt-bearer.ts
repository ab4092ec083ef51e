import { InvalidGrant, InvalidScope, InvalidTarget, UnauthorizedClient } from '../errors/index.js';
import { narrowGranted } from '../lib/narrow.js';
import type { GrantDefinition, GrantRequest, GrantServices, TokenResponseBody } from './grant.js';

/**
 * RFC 7523 §2.1 and §3: a workload presents a JWT from an external issuer the operator trusts (workload
 * identity federation) and gets an access token of the Latchkey machine client the matching trust
 * rule names — no long-lived secret in the CI system or the pod. The workload names that client
 * (`client_id`, a public client: the assertion is its credential, §3.1), and the rule must map to it.
 */
async function exchangeAssertion(
  { client, params }: GrantRequest,
  services: GrantServices,
): Promise<TokenResponseBody> {
  const machine = services.machine;
  if (machine === undefined) throw new UnauthorizedClient('Workload identity is not configured');
  const { rule, claims } = await machine.workloadAssertions.verify(params.require('assertion'));
  if (rule.clientId !== client.clientId) {
    throw new InvalidGrant('The assertion does not stand for this client', `rule ${rule.name}`);
  }
  const scopes = narrowGranted(params.list('scope'), rule.scopes, (wider) => {
    return new InvalidScope(`The trust rule does not allow these scopes: ${wider.join(' ')}`);
  });
  const requested = params.all('resource');
  if (requested.length === 0 && rule.resources.length !== 1) {
    throw new InvalidTarget('The resource parameter is required: name the resource the token is for');
  }
  const audience = narrowGranted(requested, rule.resources, () => {
    return new InvalidTarget('The trust rule does not allow this resource');
  });
  const token = services.tokens.issueMachineToken({
    subject: client.clientId,
    clientId: client.clientId,
    scopes,
    audience,
    grantId: null,
  });
  await services.stores.audit.append({
    type: 'workload.token_issued',
    at: services.now(),
    clientId: client.clientId,
    details: {
      rule: rule.name,
      issuer: rule.issuer,
      subject: String(claims.sub),
      scope: token.scope,
      audience,
    },
  });
  return {
    access_token: token.accessToken,
    token_type: 'Bearer',
    expires_in: token.expiresIn,
    scope: token.scope,
  };
}

/** RFC 7523 §2.1. Public clients allowed: the external assertion is the credential (§3.1). */
export const jwtBearerGrant = {
  type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  responseTypes: [],
  requiresRedirectUri: false,
  allowsPublicClients: true,
  implemented: true,
  handle: exchangeAssertion,
} as const satisfies GrantDefinition;
