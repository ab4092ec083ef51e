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
  secondFactor: '/login/second-factor',
  passkeyLogin: '/login/passkey',
  enrolled: '/login/enrolled',
  consent: '/consent',
  endSession: '/logout',
  introspection: '/introspect',
  revocation: '/revoke',
  deviceAuthorization: '/device_authorization',
  registration: '/register',
  pushedAuthorization: '/par',
  device: '/device',
  healthz: '/healthz',
  readyz: '/readyz',
} as const;

/** The account area's pages, under the issuer's path like every endpoint. */
export const ACCOUNT_PATHS = {
  page: '/account',
  signIn: '/account/sign-in',
  password: '/account/password',
  endSession: '/account/sessions/end',
  endOtherSessions: '/account/sessions/end-others',
  disconnect: '/account/applications/disconnect',
  sendVerification: '/account/verify-email/send',
  verifyEmail: '/account/verify-email',
  forgotPassword: '/account/forgot-password',
  resetPassword: '/account/reset-password',
  register: '/account/register',
  unlinkIdentity: '/account/identities/unlink',
  signInSecondFactor: '/account/sign-in/second-factor',
  totpBegin: '/account/factors/totp/begin',
  totpConfirm: '/account/factors/totp/confirm',
  passkeyRegister: '/account/passkeys/register',
  passkeyRemove: '/account/passkeys/remove',
  /** Sign in again before linking another provider's account (a recent sign-in is required). */
  confirm: '/account/confirm',
} as const;

/** The issuer's path without a trailing slash: '' for https://example.com. */
export function issuerBasePath(issuer: string): string {
  const path = new URL(issuer).pathname;
  return path === '/' ? '' : path.replace(/\/$/, '');
}
