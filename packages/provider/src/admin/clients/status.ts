import type { AuditStore, ClientRecord, ClientStore } from '../../store/types.js';
import { notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireClient } from './read.js';

type Stores = { readonly clients: ClientStore; readonly audit: AuditStore };

/**
 * Disables a client: every endpoint then treats it as unknown (clients/enabled-only.ts), its id and
 * registration are kept so it can be enabled again. Through a cached client store the cache entry is
 * dropped at once; another instance sees the change within `clients.cacheTtl`.
 */
export function disableClient(stores: Stores, clientId: string, options: AdminOptions = {}) {
  return setDisabled(stores, clientId, true, options);
}

export function enableClient(stores: Stores, clientId: string, options: AdminOptions = {}) {
  return setDisabled(stores, clientId, false, options);
}

/** Audited (`admin.client.disabled` / `enabled`) only when the state changed. */
async function setDisabled(
  stores: Stores,
  clientId: string,
  disabled: boolean,
  options: AdminOptions,
): Promise<{ client: ClientRecord; changed: boolean }> {
  const current = await requireClient(stores, clientId);
  if (current.disabled === disabled) return { client: current, changed: false };
  const at = nowOf(options);
  const client = { ...current, disabled, updatedAt: at };
  if (!(await stores.clients.update(client))) {
    throw notFound('clientId', `No client with id ${JSON.stringify(clientId)}`);
  }
  await recordAdminEvent(stores, options, {
    type: disabled ? 'admin.client.disabled' : 'admin.client.enabled',
    at,
    clientId,
  });
  return { client, changed: true };
}
