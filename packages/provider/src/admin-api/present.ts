import type { ClientRecord, SessionRecord, UserRecord } from '../store/types.js';

/** A client as the API shows it: never the secret's hash, only whether there is a secret. */
export function presentClient(client: ClientRecord) {
  return {
    clientId: client.clientId,
    name: client.name,
    type: client.type,
    redirectUris: [...client.redirectUris],
    postLogoutRedirectUris: [...client.postLogoutRedirectUris],
    grantTypes: [...client.grantTypes],
    scopes: [...client.scopes],
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    idTokenSignedResponseAlg: client.idTokenSignedResponseAlg,
    jwks: client.jwks as Record<string, unknown> | null,
    jwksUri: client.jwksUri,
    allowedResources: [...client.allowedResources],
    backchannelLogoutUri: client.backchannelLogoutUri,
    disabled: client.disabled,
    hasSecret: client.secretHash !== null,
    previousSecretExpiresAt: client.previousSecret?.expiresAt ?? null,
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
}

/** A user as the API shows it: never the password hash, only whether there is a password. */
export function presentUser(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerified,
    profile: user.profile as Record<string, unknown>,
    hasPassword: user.passwordHash !== null,
    disabled: user.disabled,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** A session by its public `sid`: the cookie's hash is not shown (it is a credential's fingerprint). */
export function presentSession(session: SessionRecord) {
  return {
    sid: session.sid,
    authTime: session.authTime,
    amr: [...session.amr],
    acr: session.acr,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    expiresAt: session.expiresAt,
  };
}
