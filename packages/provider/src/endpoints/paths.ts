/**
 * Where each endpoint lives, relative to the issuer. Routes are mounted under the issuer's path, so an
 * issuer like https://example.com/id serves https://example.com/id/jwks.
 */
export const ENDPOINT_PATHS = {
  openidConfiguration: '/.well-known/openid-configuration',
  oauthAuthorizationServer: '/.well-known/oauth-authorization-server',
  jwks: '/jwks',
  authorization: '/authorize',
  token: '/token',
  userinfo: '/userinfo',
  login: '/login',
  consent: '/consent',
  endSession: '/logout',
  introspection: '/introspect',
  revocation: '/revoke',
  deviceAuthorization: '/device_authorization',
  pushedAuthorization: '/par',
  device: '/device',
  healthz: '/healthz',
  readyz: '/readyz',
} as const;

/** The issuer's path without a trailing slash: '' for https://example.com. */
export function issuerBasePath(issuer: string): string {
  const path = new URL(issuer).pathname;
  return path === '/' ? '' : path.replace(/\/$/, '');
}
