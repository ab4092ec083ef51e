import { invalidInput } from './errors.js';

/**
 * Cursors of the admin lists are opaque to callers (base64url of JSON): the API may change what a
 * cursor holds (a username today, an (at, id) pair for audit events) without breaking a client.
 */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The value a cursor holds, checked by `accept`; a cursor it refuses is ERR_INVALID_INPUT on `cursor`. */
export function decodeCursor<T>(cursor: string, accept: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!accept(value)) throw invalidInput('cursor', 'is not a cursor this list gave out');
  return value;
}

export const isString = (value: unknown): value is string => typeof value === 'string' && value.length <= 300;

/** One page of an admin list: the items and the cursor of the next page (null on the last). */
export interface AdminPage<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface AdminPageQuery {
  /** 1 to 200 (the store's MAX_PAGE_LIMIT). Default 50. */
  readonly limit?: number;
  readonly cursor?: string;
  /** Case-insensitive prefix search. */
  readonly q?: string;
}

export const DEFAULT_PAGE_LIMIT = 50;
