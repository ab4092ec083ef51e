import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../../client-auth/index.js';
import {
  checkAuthMethod,
  checkClientJwks,
  checkGrantTypes,
  checkIdTokenAlg,
  checkName,
  checkRedirectUri,
  checkResourceIndicator,
  checkScopes,
  checkServerUri,
  checkUniqueList,
} from '../../clients/checks.js';
import { GRANTS } from '../../grants/index.js';
import type { ClientRecord, ClientStore } from '../../store/types.js';
import { conflict, invalidInput } from '../errors.js';
import type { AdminOptions } from '../options.js';

/** The fields of a registration the operator sets: what create builds and update changes. */
export type Registration = Pick<
  ClientRecord,
  | 'name'
  | 'type'
  | 'redirectUris'
  | 'postLogoutRedirectUris'
  | 'grantTypes'
  | 'scopes'
  | 'tokenEndpointAuthMethod'
  | 'idTokenSignedResponseAlg'
  | 'jwks'
  | 'jwksUri'
  | 'allowedResources'
  | 'backchannelLogoutUri'
  | 'mfa'
>;

/**
 * Checks a whole registration, as it would be stored: the one validation that creating a client and
 * changing one both run, so an update can never reach a state create would refuse. Returns the
 * client authentication method's registry entry.
 */
export function checkRegistration(registration: Registration, options: AdminOptions): ClientAuthMethod {
  const { type } = registration;
  checkName(registration.name);
  if (registration.mfa !== undefined && registration.mfa !== 'optional' && registration.mfa !== 'required') {
    throw invalidInput('mfa', 'must be optional or required');
  }
  const grants = checkGrantTypes(registration.grantTypes, options.grants ?? GRANTS, type);
  const method = checkAuthMethod(
    registration.tokenEndpointAuthMethod,
    options.authMethods ?? CLIENT_AUTH_METHODS,
    type,
  );
  for (const [i, uri] of registration.redirectUris.entries())
    checkRedirectUri(uri, `redirectUris[${i}]`, type);
  const needsRedirect = grants.find((g) => g.requiresRedirectUri);
  if (needsRedirect && registration.redirectUris.length === 0) {
    throw invalidInput('redirectUris', `the ${needsRedirect.type} grant needs at least one redirect URI`);
  }
  for (const [i, uri] of registration.postLogoutRedirectUris.entries()) {
    checkRedirectUri(uri, `postLogoutRedirectUris[${i}]`, type);
  }
  checkScopes(registration.scopes);
  checkIdTokenAlg(registration.idTokenSignedResponseAlg);
  if (registration.jwks !== null && registration.jwksUri !== null) {
    throw invalidInput('jwks', 'give jwks or jwksUri, not both');
  }
  if (registration.jwks !== null) checkClientJwks(registration.jwks);
  if (registration.jwksUri !== null) checkServerUri(registration.jwksUri, 'jwksUri');
  if (method.requiresClientKeys && registration.jwks === null && registration.jwksUri === null) {
    throw invalidInput('jwks', `${method.method} needs the client's public keys (jwks or jwksUri)`);
  }
  checkUniqueList(registration.allowedResources, 'allowedResources');
  for (const [i, uri] of registration.allowedResources.entries()) {
    checkResourceIndicator(uri, `allowedResources[${i}]`);
  }
  // A client_credentials token has no user: it is only for the APIs the client may address (RFC 8707),
  // so without one the client could never get a token (invalid_target at the token endpoint).
  const needsResource = grants.find((g) => g.requiresResource);
  if (needsResource && registration.allowedResources.length === 0) {
    throw invalidInput(
      'allowedResources',
      `the ${needsResource.type} grant needs at least one resource (the URL of an API its tokens are for); add one`,
    );
  }
  if (registration.backchannelLogoutUri !== null) {
    checkServerUri(registration.backchannelLogoutUri, 'backchannelLogoutUri');
  }
  return method;
}

/**
 * Client names are unique, compared case-insensitively after Unicode compatibility folding: the
 * consent page shows the name to people, so two clients called "Payroll" and "payroll" would be one
 * application to them.
 */
export async function checkNameAvailable(
  clients: Pick<ClientStore, 'list'>,
  name: string,
  exceptClientId?: string,
): Promise<void> {
  const key = nameKey(name);
  const taken = (await clients.list()).find((c) => c.clientId !== exceptClientId && nameKey(c.name) === key);
  if (taken) throw conflict('name', `${JSON.stringify(name)} is the name of client ${taken.clientId}`);
}

const nameKey = (name: string) => name.normalize('NFKC').trim().toLowerCase();
