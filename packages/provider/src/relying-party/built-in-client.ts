import { createClient } from '../admin/clients/create.js';
import { AdminError } from '../admin/errors.js';
import type { AuditStore, ClientStore, UserStore } from '../store/types.js';

/** A public client the provider registers for a relying party of its own (the demo, the console). */
export interface BuiltInClient {
  readonly clientId: string;
  /** Also how it is told apart from an operator's client that happens to use the id. */
  readonly name: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

export type BuiltInClientChange = 'created' | 'updated' | 'kept' | 'foreign';

export type BuiltInClientStores = {
  readonly clients: ClientStore;
  readonly users: Pick<UserStore, 'getById'>;
  readonly audit: AuditStore;
};

/**
 * Makes the built-in client exist, enabled, as a public client (code + PKCE, no secret) with exactly
 * this redirect URI: created when missing, re-created when the issuer moved (the development issuer
 * follows the port) or when it was disabled. A client that merely has the same id but another name is the operator's own and is left
 * alone ('foreign').
 */
export async function syncBuiltInClient(
  stores: BuiltInClientStores,
  spec: BuiltInClient,
): Promise<BuiltInClientChange> {
  const existing = await stores.clients.get(spec.clientId);
  if (existing !== undefined && existing.name !== spec.name) return 'foreign';
  if (
    existing !== undefined &&
    !existing.disabled &&
    existing.redirectUris.length === 1 &&
    existing.redirectUris[0] === spec.redirectUri
  ) {
    return 'kept';
  }
  // The id is fixed, so deleting and creating again changes nothing visible.
  if (existing !== undefined) await stores.clients.delete(spec.clientId);
  try {
    await createClient(stores, {
      name: spec.name,
      clientId: spec.clientId,
      public: true,
      redirectUris: [spec.redirectUri],
      grantTypes: ['authorization_code'],
      scopes: [...spec.scopes],
    });
  } catch (error) {
    // Instances starting together on one database: another one made it a moment ago.
    if (error instanceof AdminError && error.code === 'ERR_CONFLICT') return 'kept';
    throw error;
  }
  return existing === undefined ? 'created' : 'updated';
}
