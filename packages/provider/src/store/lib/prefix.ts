import { type Kysely, type RawBuilder, sql } from '@latchkey/store';
import { isPostgres } from './dialect.js';

/**
 * Prefix search and ordering of text columns that an index serves on both dialects, with the same
 * results on both (issue 15).
 *
 * A prefix is matched as a range, `key >= prefix AND key < successor(prefix)`, in code-point order: a
 * LIKE pattern under PostgreSQL's default (non-C) collation can use no btree index, and SQLite applies
 * its LIKE optimisation to plain columns only, never to an expression index. A range has no wildcard
 * either, so `%`, `_` and `\` in a search are ordinary characters with nothing to escape.
 *
 * The key must compare in code-point order on both: SQLite's BINARY collation compares UTF-8 bytes
 * (which order as code points do); on PostgreSQL the key is in the "C" collation (byte order too), and
 * migration 0019 indexes exactly that expression there. Case folding is ASCII only on both: SQLite's
 * lower() folds A–Z only, and so does PostgreSQL's lower() of a "C"-collated text (it folds byte by byte,
 * leaving every other character, whatever the database's locale). Usernames are stored lower-cased in
 * full (users.ts), so folding them again changes nothing.
 *
 * The PostgreSQL key was `translate(column, A–Z, a–z) collate "C"` before (migration 0018): the same
 * text, but translate() looks every character up in its 26-letter argument, and a search that filters
 * rows by a key it computes spent ~90 % of its time there (the email half of a user search: 4.4 ms for
 * 940 rows against 0.4 ms with lower()).
 */

/** The expression a column is searched and ordered by (SQL text, so an index can name it verbatim). */
export function foldedKeySql(postgres: boolean, column: string): string {
  return postgres ? `lower(${column} collate "C")` : `lower(${column})`;
}

/** A text column compared byte-wise, case kept: `type` of the audit log. */
export function exactKeySql(postgres: boolean, column: string): string {
  return postgres ? `(${column} collate "C")` : column;
}

// biome-ignore lint/suspicious/noExplicitAny: any schema; only the dialect is read
export function foldedKey(db: Kysely<any>, column: string): RawBuilder<string> {
  return sql<string>`${sql.raw(foldedKeySql(isPostgres(db), column))}`;
}

// biome-ignore lint/suspicious/noExplicitAny: any schema; only the dialect is read
export function exactKey(db: Kysely<any>, column: string): RawBuilder<string> {
  return sql<string>`${sql.raw(exactKeySql(isPostgres(db), column))}`;
}

/** A–Z to a–z and nothing else, as both dialects' folded keys do. */
export function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const MAX_CODE_POINT = 0x10ffff;
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The least string greater than every string starting with `prefix` (code-point order), or undefined
 * when there is none (the prefix is all U+10FFFF). The last code point is raised by one, skipping the
 * surrogates, which no stored (UTF-8) text contains.
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < MAX_CODE_POINT) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/**
 * `key` starts with `prefix` (already folded as the key is). A prefix no stored text can start with — a
 * lone surrogate (not UTF-8) or NUL (which PostgreSQL text cannot hold) — matches nothing.
 */
export function startsWith(key: RawBuilder<string>, prefix: string): RawBuilder<boolean> {
  if (LONE_SURROGATE.test(prefix) || prefix.includes('\0')) return sql<boolean>`1 = 0`;
  const successor = prefixSuccessor(prefix);
  return successor === undefined
    ? sql<boolean>`${key} >= ${prefix}`
    : sql<boolean>`(${key} >= ${prefix} and ${key} < ${successor})`;
}
