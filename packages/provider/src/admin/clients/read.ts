import type { ClientRecord, ClientStore } from '../../store/types.js';
import { notFound } from '../errors.js';

export function listClients(stores: {
  readonly clients: Pick<ClientStore, 'list'>;
}): Promise<ClientRecord[]> {
  return stores.clients.list();
}

/** How many clients there are, counted by the store (the overview). */
export function countClients(stores: { readonly clients: Pick<ClientStore, 'count'> }): Promise<number> {
  return stores.clients.count();
}

export function getClient(
  stores: { readonly clients: Pick<ClientStore, 'get'> },
  clientId: string,
): Promise<ClientRecord | undefined> {
  return stores.clients.get(clientId);
}

/** The client with this id (disabled or not), or ERR_NOT_FOUND naming it. */
export async function requireClient(
  stores: { readonly clients: Pick<ClientStore, 'get'> },
  clientId: string,
): Promise<ClientRecord> {
  const client = typeof clientId === 'string' ? await stores.clients.get(clientId) : undefined;
  if (!client) throw notFound('clientId', `No client with id ${JSON.stringify(clientId)}`);
  return client;
}
