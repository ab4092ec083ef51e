/**
 * Keyset pagination for the admin lists (issue 15): a page is at most `limit` rows after a key, in key
 * order, so a page costs the same at row 10 as at row 10,000 (no OFFSET scan) and a row added or
 * removed meanwhile never shifts the next page.
 */
export interface PageQuery {
  /** 1 to MAX_PAGE_LIMIT. */
  readonly limit: number;
  /** The key of the last row of the previous page (exclusive); absent: the first page. */
  readonly after?: string;
  /** Case-insensitive prefix of the searched columns (username or email; client name or id). */
  readonly q?: string;
}

export interface Page<T> {
  readonly items: T[];
  /** The key to pass as `after` for the next page, or null when this was the last. */
  readonly next: string | null;
}

/** DESIGN rule 9: every input is bounded. */
export const MAX_PAGE_LIMIT = 200;

export function checkPageLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new TypeError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
}

/** Rows fetched with limit + 1: the extra one only says whether there is a next page. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last !== undefined ? keyOf(last) : null };
}
