import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';
import { checkAddressableResources } from '../../tokens/audience.js';

/**
 * RFC 8707 §2.1 `resource`, repeatable: the APIs the access tokens of this grant are for, each one the
 * client may address, else `invalid_target` (sent back to the client like every error after the
 * redirect URI is trusted). None: the access tokens are for UserInfo only.
 */
export function checkResource(
  params: RequestParams,
  client: Pick<ClientRecord, 'allowedResources'>,
): string[] {
  return checkAddressableResources(params.all('resource'), client);
}
