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
 * An access token's audiences: exactly the resources it was issued for (RFC 8707 §2; MCP: a resource
 * server "MUST reject tokens not issued for them"), or UserInfo when none was asked for. Never both: a
 * token asked for one API must not also be valid at UserInfo. A client that wants to call UserInfo as
 * well reads the ID token, or asks for a second token with `resource=<issuer>/userinfo` (or none).
 */
export function accessTokenAudience(issuer: string, resources: readonly string[]): string[] {
  if (resources.length === 0) return [userinfoAudience(issuer)];
  return [...new Set(resources)];
}

/**
 * RFC 8707 §2: each `resource` a client asks for must be one it may address (its `allowedResources`,
 * compared exactly), else `invalid_target`. Shared by every request that takes `resource`: the
 * authorization, device authorization and client_credentials requests.
 */
export function checkAddressableResources(
  requested: readonly string[],
  client: Pick<ClientRecord, 'allowedResources'>,
  /** UserInfo (`<issuer>/userinfo`) may always be named: it is what a token without resource is for. */
  issuer?: string,
): string[] {
  const own = issuer === undefined ? undefined : userinfoAudience(issuer);
  if (requested.some((resource) => resource !== own && !client.allowedResources.includes(resource))) {
    throw new InvalidTarget('The client may not request a token for this resource');
  }
  return [...requested];
}

/**
 * The repeatable `resource` parameter (RFC 8707 §2.1) of an authorization or device authorization
 * request, checked by checkAddressableResources (UserInfo allowed). None: the access tokens are for
 * UserInfo only.
 */
export function checkResourceParameter(
  params: RequestParams,
  client: Pick<ClientRecord, 'allowedResources'>,
  issuer: string,
): string[] {
  return checkAddressableResources(params.all('resource'), client, issuer);
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
