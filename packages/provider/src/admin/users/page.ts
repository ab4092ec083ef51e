import type { UserRecord, UserStore } from '../../store/types.js';
import {
  type AdminPage,
  type AdminPageQuery,
  DEFAULT_PAGE_LIMIT,
  decodeCursor,
  encodeCursor,
  isString,
} from '../cursor.js';

/** A page of live users in username order; `q` searches a prefix of the username or the email. */
export async function pageUsers(
  stores: { readonly users: Pick<UserStore, 'page'> },
  query: AdminPageQuery & { readonly disabled?: boolean } = {},
): Promise<AdminPage<UserRecord>> {
  const page = await stores.users.page({
    limit: query.limit ?? DEFAULT_PAGE_LIMIT,
    ...(query.cursor === undefined ? {} : { after: decodeCursor(query.cursor, isString) }),
    ...(query.q === undefined ? {} : { q: query.q }),
    ...(query.disabled === undefined ? {} : { disabled: query.disabled }),
  });
  return { items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) };
}
