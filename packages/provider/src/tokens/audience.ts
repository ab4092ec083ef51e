import { ENDPOINT_PATHS } from '../endpoints/paths.js';

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
