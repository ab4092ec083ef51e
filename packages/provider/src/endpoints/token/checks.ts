import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../../errors/index.js';
import type { GrantDefinition } from '../../grants/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';

/** RFC 6749 §3.2: the token endpoint takes `application/x-www-form-urlencoded` parameters only. */
export function checkFormBody(form: RequestParams | undefined): RequestParams {
  if (form === undefined) {
    throw new InvalidRequest('The token request must be an application/x-www-form-urlencoded POST body');
  }
  return form;
}

/**
 * RFC 6749 §5.2 `unsupported_grant_type`: a grant this provider does not know or has not implemented.
 * The registry is the only list (DESIGN rule 2).
 */
export function checkGrantType(
  params: RequestParams,
  registry: readonly GrantDefinition[],
): GrantDefinition & Required<Pick<GrantDefinition, 'handle'>> {
  const type = params.require('grant_type');
  const grant = registry.find((g) => g.type === type);
  if (grant === undefined || !grant.implemented || grant.handle === undefined) {
    throw new UnsupportedGrantType('The grant type is not supported');
  }
  return grant as GrantDefinition & Required<Pick<GrantDefinition, 'handle'>>;
}

/** RFC 6749 §5.2 `unauthorized_client`: the client is not registered for this grant type. */
export function checkClientGrant(client: ClientRecord, grant: GrantDefinition): void {
  if (!client.grantTypes.includes(grant.type)) {
    throw new UnauthorizedClient(`The client is not allowed to use the ${grant.type} grant`);
  }
}
