import { InvalidRequest, UnauthorizedClient, UnsupportedResponseType } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';

/**
 * RFC 6749 §4.1.1 / OIDC Core §3.1.2.1: `response_type` is required and only `code` is supported;
 * implicit and hybrid types are `unsupported_response_type` (RFC 6749 §4.1.2.1, RFC 9700 §2.1.2).
 */
export function checkResponseType(params: RequestParams, client: ClientRecord): 'code' {
  const responseType = params.get('response_type');
  if (responseType === undefined) throw new InvalidRequest('The response_type parameter is required');
  if (responseType !== 'code') {
    throw new UnsupportedResponseType('Only response_type=code is supported');
  }
  if (!client.grantTypes.includes('authorization_code')) {
    throw new UnauthorizedClient('The client is not registered for the authorization_code grant');
  }
  return 'code';
}
