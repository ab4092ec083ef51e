import { ENDPOINT_PATHS } from '../endpoints/paths.js';
import { InvalidTarget } from '../errors/index.js';
import { narrowGranted } from '../lib/narrow.js';
import type { RequestParams } from '../lib/request-params.js';
import type { ClientRecord } from '../store/types.js';

/**
 * The audience of access tokens meant for our own UserInfo endpoint: its URL. RFC 9068 §3 asks for an
 * `aud` naming the resource; UserInfo is one, and checking this value keeps tokens minted for other
 * APIs (an RFC 8707 `resource`) from being played against it.
 */
export function userinfoAudience(issuer: string): string {
  return issuer + ENDPOINT_PATHS.userinfo;
}

/**
 * An access token's audiences: the resources asked for (RFC 8707), and UserInfo whenever `openid` was
 * granted (OIDC Core §5.3: that token is what the client presents there) or nothing else was asked for.
 */
export function accessTokenAudience(
  issuer: string,
  scopes: readonly string[],
  resources: readonly string[],
): string[] {
  const audience = [...resources];
  if (scopes.includes('openid') || audience.length === 0) audience.push(userinfoAudience(issuer));
  return [...new Set(audience)];
}

/**
 * RFC 8707 §2: each `resource` a client asks for must be one it may address (its `allowedResources`,
 * compared exactly), else `invalid_target`. Shared by every request that takes `resource`: the
 * authorization, device authorization and client_credentials requests.
 */
export function checkAddressableResources(
  requested: readonly string[],
  client: Pick<ClientRecord, 'allowedResources'>,
): string[] {
  if (requested.some((resource) => !client.allowedResources.includes(resource))) {
    throw new InvalidTarget('The client may not request a token for this resource');
  }
  return [...requested];
}

/**
 * The repeatable `resource` parameter (RFC 8707 §2.1) of an authorization or device authorization
 * request, checked by checkAddressableResources. None: the access tokens are for UserInfo only.
 */
export function checkResourceParameter(
  params: RequestParams,
  client: Pick<ClientRecord, 'allowedResources'>,
): string[] {
  return checkAddressableResources(params.all('resource'), client);
}

/**
 * RFC 8707 §2.2: the access tokens of a grant are for the resources it was authorized for, or for
 * those of them the token request names with `resource` (on a code exchange or a refresh); any
 * other is `invalid_target`.
 */
export function checkGrantedResources(requested: readonly string[], granted: readonly string[]): string[] {
  return narrowGranted(requested, granted, (wider) => {
    return new InvalidTarget(`The grant does not cover this resource (${wider.join(' ')})`);
  });
}
