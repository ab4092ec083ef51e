import { randomBytes } from 'node:crypto';
import type { JwkSet, JwsAlgorithm } from '@latchkey/oidc';
import { checkClientId } from '../../clients/checks.js';
import { generateClientSecret, hashClientSecret } from '../../clients/secret.js';
import {
  type AuditStore,
  type ClientRecord,
  type ClientStore,
  type MfaPolicy,
  StoreConflictError,
  type TokenEndpointAuthMethod,
  type UserStore,
} from '../../store/types.js';
import { conflict } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { checkNameAvailable, checkRegistration, type Registration } from './registration.js';

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
  /** Whether signing in to it needs a second factor; default: the provider's `mfa.default`. */
  readonly mfa?: MfaPolicy;
}

export interface CreatedClient {
  readonly client: ClientRecord;
  /** The only time the secret exists outside the client: shown once, stored as a hash. Null without a secret. */
  readonly secret: string | null;
}

/** @deprecated name kept for callers of the first release: the options of every admin operation. */
export type ClientServiceOptions = AdminOptions;

export type ClientAdminStores = {
  readonly clients: ClientStore;
  readonly users: Pick<UserStore, 'getById'>;
  readonly audit: AuditStore;
};

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

/** Registers a client (audited as `admin.client.created`). */
export async function createClient(
  // Only what creating needs, so the registration endpoint can validate into a capturing store.
  stores: Omit<ClientAdminStores, 'clients'> & { readonly clients: Pick<ClientStore, 'create' | 'list'> },
  input: CreateClientInput,
  options: AdminOptions = {},
): Promise<CreatedClient> {
  const random = options.random ?? randomBytes;
  const at = nowOf(options);
  const type = input.public === true ? 'public' : 'confidential';
  const registration: Registration = {
    name: input.name,
    type,
    redirectUris: [...(input.redirectUris ?? [])],
    postLogoutRedirectUris: [...(input.postLogoutRedirectUris ?? [])],
    grantTypes: [...(input.grantTypes ?? ['authorization_code'])],
    scopes: [...(input.scopes ?? ['openid'])],
    tokenEndpointAuthMethod:
      input.tokenEndpointAuthMethod ?? (type === 'public' ? 'none' : 'client_secret_basic'),
    idTokenSignedResponseAlg: input.idTokenSignedResponseAlg ?? 'RS256',
    jwks: input.jwks ?? null,
    jwksUri: input.jwksUri ?? null,
    allowedResources: [...(input.allowedResources ?? [])],
    backchannelLogoutUri: input.backchannelLogoutUri ?? null,
    ...(input.mfa === undefined ? {} : { mfa: input.mfa }),
  };
  if (input.clientId !== undefined) checkClientId(input.clientId);
  const method = checkRegistration(registration, options);
  await checkNameAvailable(stores.clients, registration.name);

  const clientId = input.clientId ?? generateClientId(random);
  // C6 (RFC 9700 §4.15): a client id equal to a user's `sub` would let the client pass off its own
  // client-credentials tokens as that user's.
  if ((await stores.users.getById(clientId)) !== undefined) {
    throw conflict('clientId', 'equals the subject identifier of a user');
  }
  const secret = method.usesSecret ? generateClientSecret(random) : null;
  const client: ClientRecord = {
    clientId,
    ...registration,
    secretHash: secret === null ? null : hashClientSecret(secret),
    disabled: false,
    previousSecret: null,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await stores.clients.create(client);
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw conflict('clientId', 'a client with this id already exists');
    throw error;
  }
  await recordAdminEvent(stores, options, { type: 'admin.client.created', at, clientId });
  return { client, secret };
}
