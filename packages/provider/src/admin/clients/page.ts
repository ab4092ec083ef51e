import type { ClientRecord, ClientStore } from '../../store/types.js';
import {
  type AdminPage,
  type AdminPageQuery,
  DEFAULT_PAGE_LIMIT,
  decodeCursor,
  encodeCursor,
  isString,
} from '../cursor.js';

/** A page of clients in client id order; `q` searches a prefix of the name or the client id. */
export async function pageClients(
  stores: { readonly clients: Pick<ClientStore, 'page'> },
  query: AdminPageQuery = {},
): Promise<AdminPage<ClientRecord>> {
  const page = await stores.clients.page({
    limit: query.limit ?? DEFAULT_PAGE_LIMIT,
    ...(query.cursor === undefined ? {} : { after: decodeCursor(query.cursor, isString) }),
    ...(query.q === undefined ? {} : { q: query.q }),
  });
  return { items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) };
}
