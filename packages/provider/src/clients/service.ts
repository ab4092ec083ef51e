import { randomBytes } from 'node:crypto';
import type { JwkSet, JwsAlgorithm } from '@latchkey/oidc';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../client-auth/index.js';
import { GRANTS, type GrantDefinition } from '../grants/index.js';
import { AdminError, invalidInput } from '../lib/admin-errors.js';
import { type Clock, systemClock } from '../lib/clock.js';
import {
  type ClientRecord,
  type ClientStore,
  StoreConflictError,
  type TokenEndpointAuthMethod,
  type UserStore,
} from '../store/types.js';
import {
  checkAuthMethod,
  checkClientId,
  checkClientJwks,
  checkGrantTypes,
  checkIdTokenAlg,
  checkName,
  checkRedirectUri,
  checkResourceIndicator,
  checkScopes,
  checkServerUri,
} from './checks.js';
import { generateClientSecret, hashClientSecret } from './secret.js';

export interface CreateClientInput {
  readonly name: string;
  /** Default: 128 random bits, base64url. An operator-chosen id may not equal a user's `sub` (C6). */
  readonly clientId?: string;
  /** A public client (native app, SPA): no secret, `none` authentication, PKCE. Default false. */
  readonly public?: boolean;
  readonly redirectUris?: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  /** Default ['authorization_code']. */
  readonly grantTypes?: readonly string[];
  /** Default ['openid']. */
  readonly scopes?: readonly string[];
  /** Default `client_secret_basic` (confidential) or `none` (public). */
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Default RS256 (OIDC Core §3.1.3.7). */
  readonly idTokenSignedResponseAlg?: JwsAlgorithm;
  readonly jwks?: JwkSet;
  readonly jwksUri?: string;
  readonly allowedResources?: readonly string[];
  readonly backchannelLogoutUri?: string;
}

export interface CreatedClient {
  readonly client: ClientRecord;
  /** The only time the secret exists outside the client: shown once, stored as a hash. Null without a secret. */
  readonly secret: string | null;
}

export interface ClientServiceOptions {
  readonly now?: Clock;
  readonly random?: (n: number) => Buffer;
  readonly grants?: readonly GrantDefinition[];
  readonly authMethods?: readonly ClientAuthMethod[];
}

/** 128 bits: a client id is public, but must not be guessable to enumerate clients. */
const CLIENT_ID_BYTES = 16;

/**
 * A random client id that starts with a letter or digit: one in 32 base64url strings starts with `-`,
 * which command lines (ours included: `--client-id -x…`) and shell tools read as an option.
 */
export function generateClientId(random: (n: number) => Buffer): string {
  for (;;) {
    const id = random(CLIENT_ID_BYTES).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

export async function createClient(
  stores: { readonly clients: ClientStore; readonly users: UserStore },
  input: CreateClientInput,
  options: ClientServiceOptions = {},
): Promise<CreatedClient> {
  const random = options.random ?? randomBytes;
  const at = (options.now ?? systemClock)();
  const type = input.public === true ? 'public' : 'confidential';

  checkName(input.name);
  if (input.clientId !== undefined) checkClientId(input.clientId);
  const grants = checkGrantTypes(input.grantTypes ?? ['authorization_code'], options.grants ?? GRANTS, type);
  const method = checkAuthMethod(
    input.tokenEndpointAuthMethod ?? (type === 'public' ? 'none' : 'client_secret_basic'),
    options.authMethods ?? CLIENT_AUTH_METHODS,
    type,
  );
  const redirectUris = input.redirectUris ?? [];
  for (const [i, uri] of redirectUris.entries()) checkRedirectUri(uri, `redirectUris[${i}]`, type);
  const needsRedirect = grants.find((g) => g.requiresRedirectUri);
  if (needsRedirect && redirectUris.length === 0) {
    throw invalidInput('redirectUris', `the ${needsRedirect.type} grant needs at least one redirect URI`);
  }
  const postLogoutRedirectUris = input.postLogoutRedirectUris ?? [];
  for (const [i, uri] of postLogoutRedirectUris.entries()) {
    checkRedirectUri(uri, `postLogoutRedirectUris[${i}]`, type);
  }
  const scopes = input.scopes ?? ['openid'];
  checkScopes(scopes);
  const idTokenAlg = input.idTokenSignedResponseAlg ?? 'RS256';
  checkIdTokenAlg(idTokenAlg);
  if (input.jwks !== undefined && input.jwksUri !== undefined)
    throw invalidInput('jwks', 'give jwks or jwksUri, not both');
  if (input.jwks !== undefined) checkClientJwks(input.jwks);
  if (input.jwksUri !== undefined) checkServerUri(input.jwksUri, 'jwksUri');
  if (method.requiresClientKeys && input.jwks === undefined && input.jwksUri === undefined) {
    throw invalidInput('jwks', `${method.method} needs the client's public keys (jwks or jwksUri)`);
  }
  const allowedResources = input.allowedResources ?? [];
  for (const [i, uri] of allowedResources.entries()) checkResourceIndicator(uri, `allowedResources[${i}]`);
  if (input.backchannelLogoutUri !== undefined)
    checkServerUri(input.backchannelLogoutUri, 'backchannelLogoutUri');

  const clientId = input.clientId ?? generateClientId(random);
  // C6 (RFC 9700 §4.15): a client id equal to a user's `sub` would let the client pass off its own
  // client-credentials tokens as that user's.
  if ((await stores.users.getById(clientId)) !== undefined) {
    throw new AdminError('ERR_CONFLICT', 'clientId: equals the subject identifier of a user', 'clientId');
  }
  const secret = method.usesSecret ? generateClientSecret(random) : null;
  const client: ClientRecord = {
    clientId,
    name: input.name,
    type,
    secretHash: secret === null ? null : hashClientSecret(secret),
    redirectUris: [...redirectUris],
    postLogoutRedirectUris: [...postLogoutRedirectUris],
    grantTypes: grants.map((g) => g.type),
    scopes: [...scopes],
    tokenEndpointAuthMethod: method.method,
    idTokenSignedResponseAlg: idTokenAlg,
    jwks: input.jwks ?? null,
    jwksUri: input.jwksUri ?? null,
    allowedResources: [...allowedResources],
    backchannelLogoutUri: input.backchannelLogoutUri ?? null,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await stores.clients.create(client);
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw new AdminError('ERR_CONFLICT', 'clientId: a client with this id already exists', 'clientId');
    }
    throw error;
  }
  return { client, secret };
}

export function listClients(stores: { readonly clients: ClientStore }): Promise<ClientRecord[]> {
  return stores.clients.list();
}

export function getClient(
  stores: { readonly clients: ClientStore },
  clientId: string,
): Promise<ClientRecord | undefined> {
  return stores.clients.get(clientId);
}

/** Throws ERR_NOT_FOUND when there is no such client. */
export async function deleteClient(
  stores: { readonly clients: ClientStore },
  clientId: string,
): Promise<void> {
  if (!(await stores.clients.delete(clientId))) {
    throw new AdminError('ERR_NOT_FOUND', `No client with id ${JSON.stringify(clientId)}`, 'clientId');
  }
}
