import { randomBytes } from 'node:crypto';
import type { JwsAlgorithm } from '@latchkey/oidc';
import { generateClientSecret, hashClientSecret } from '../../clients/secret.js';
import type { ClientRecord, MfaPolicy, TokenEndpointAuthMethod } from '../../store/types.js';
import { notFound } from '../errors.js';
import { applyListChange, type ListChange } from '../list-change.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import type { ClientAdminStores } from './create.js';
import { requireClient } from './read.js';
import { checkNameAvailable, checkRegistration, type Registration } from './registration.js';

/** What `client update` may change; absent members stay as they are. The type (public or not) never changes. */
export interface UpdateClientInput {
  readonly name?: string;
  readonly redirectUris?: ListChange;
  readonly postLogoutRedirectUris?: ListChange;
  readonly grantTypes?: ListChange;
  readonly scopes?: ListChange;
  readonly allowedResources?: ListChange;
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  readonly idTokenSignedResponseAlg?: JwsAlgorithm;
  /** `optional` or `required`; null goes back to the provider's default. */
  readonly mfa?: MfaPolicy | null;
  /** null removes it. */
  readonly backchannelLogoutUri?: string | null;
  /** null removes it. */
  readonly jwksUri?: string | null;
}

export interface UpdatedClient {
  readonly client: ClientRecord;
  /** The names of the fields that changed (empty: nothing to do, nothing written or audited). */
  readonly changed: readonly string[];
  /** A new secret, when the change moved the client to a secret-based method: shown once. */
  readonly secret: string | null;
}

/**
 * Changes a registered client in place, so apps keep their client id (issue 14). The result is checked
 * whole by the same function as a new registration; the update is audited (`admin.client.updated`)
 * with the names of the fields changed, and drops the client from a cache it goes through.
 */
export async function updateClient(
  stores: ClientAdminStores,
  clientId: string,
  input: UpdateClientInput,
  options: AdminOptions = {},
): Promise<UpdatedClient> {
  const current = await requireClient(stores, clientId);
  const mfa = input.mfa === undefined ? current.mfa : (input.mfa ?? undefined);
  const next: Registration = {
    ...(mfa === undefined ? {} : { mfa }),
    name: input.name ?? current.name,
    type: current.type,
    redirectUris: applyListChange(current.redirectUris, input.redirectUris, 'redirectUris'),
    postLogoutRedirectUris: applyListChange(
      current.postLogoutRedirectUris,
      input.postLogoutRedirectUris,
      'postLogoutRedirectUris',
    ),
    grantTypes: applyListChange(current.grantTypes, input.grantTypes, 'grantTypes'),
    scopes: applyListChange(current.scopes, input.scopes, 'scopes'),
    allowedResources: applyListChange(current.allowedResources, input.allowedResources, 'allowedResources'),
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod ?? current.tokenEndpointAuthMethod,
    idTokenSignedResponseAlg: input.idTokenSignedResponseAlg ?? current.idTokenSignedResponseAlg,
    jwks: current.jwks,
    jwksUri: input.jwksUri === undefined ? current.jwksUri : input.jwksUri,
    backchannelLogoutUri:
      input.backchannelLogoutUri === undefined ? current.backchannelLogoutUri : input.backchannelLogoutUri,
  };
  const method = checkRegistration(next, options);
  // `mfa` is absent from a registration on the provider's default: compared whether present or not.
  const keys = [...new Set([...Object.keys(next), 'mfa'])] as (keyof Registration)[];
  const changed = keys.filter((key) => JSON.stringify(next[key]) !== JSON.stringify(current[key]));
  if (changed.length === 0) return { client: current, changed, secret: null };
  if (changed.includes('name')) await checkNameAvailable(stores.clients, next.name, clientId);

  // A move to a secret-based method needs a secret (shown once); a move away from one drops it.
  const hadSecret = current.secretHash !== null;
  const secret = method.usesSecret && !hadSecret ? generateClientSecret(options.random ?? randomBytes) : null;
  const at = nowOf(options);
  const { mfa: _previousMfa, ...unchangedMfa } = current;
  const client: ClientRecord = {
    ...unchangedMfa,
    ...next,
    secretHash: method.usesSecret ? (secret === null ? current.secretHash : hashClientSecret(secret)) : null,
    previousSecret: method.usesSecret && secret === null ? current.previousSecret : null,
    updatedAt: at,
  };
  if (!(await stores.clients.update(client))) {
    throw notFound('clientId', `No client with id ${JSON.stringify(clientId)}`);
  }
  await recordAdminEvent(stores, options, {
    type: 'admin.client.updated',
    at,
    clientId,
    details: { changed, ...(secret === null ? {} : { secretIssued: true }) },
  });
  return { client, changed, secret };
}
