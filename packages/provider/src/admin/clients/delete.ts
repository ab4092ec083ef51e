import type { AuditStore, ClientStore } from '../../store/types.js';
import { notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';

/** Deletes a client (audited `admin.client.deleted`); ERR_NOT_FOUND when there is none. */
export async function deleteClient(
  stores: { readonly clients: Pick<ClientStore, 'delete'>; readonly audit: AuditStore },
  clientId: string,
  options: AdminOptions = {},
): Promise<void> {
  if (!(await stores.clients.delete(clientId))) {
    throw notFound('clientId', `No client with id ${JSON.stringify(clientId)}`);
  }
  await recordAdminEvent(stores, options, { type: 'admin.client.deleted', at: nowOf(options), clientId });
}
